package main

import (
	"crypto/subtle"
	"strings"
)

// constantEqual compares secrets in constant time.
func constantEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }
