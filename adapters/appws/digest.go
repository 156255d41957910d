package appws

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"strings"
)

// Login is an AppLogin message: who the PBX says the user is.
type Login struct {
	App    string `json:"app"`    // the app's HTML name, e.g. "innovaphone-recordings"
	Domain string `json:"domain"` // the PBX's domain
	SIP    string `json:"sip"`    // the user's SIP (h323) name
	GUID   string `json:"guid"`   // the user object's GUID
	DN     string `json:"dn"`     // the user's display name
	PbxObj string `json:"pbxObj"` // the App object's name; not covered by the digest
	Digest string `json:"digest"`
	// Info is the info object exactly as received (raw bytes of the JSON
	// value); nil when the message had none.
	Info json.RawMessage `json:"info"`
}

// Digest returns hex(SHA-256) of the AppLogin fields, the challenge and the
// App-object password. info is the exact text of the info object; hasInfo
// false leaves the info part out (the form without an info object).
func Digest(app, domain, sip, guid, dn string, info string, hasInfo bool, challenge, password string) string {
	parts := []string{app, domain, sip, guid, dn}
	if hasInfo {
		parts = append(parts, info)
	}
	parts = append(parts, challenge, password)
	sum := sha256.Sum256([]byte(strings.Join(parts, ":")))
	return hex.EncodeToString(sum[:])
}

// Verify reports whether l.Digest is right for challenge and password. With
// an info object it tries the info text as received, then its compacted
// form, and for an info sent as a JSON string, the string's value.
func Verify(l Login, challenge, password string) bool {
	if challenge == "" || password == "" || l.Digest == "" {
		return false
	}
	got := []byte(strings.ToLower(l.Digest))
	match := func(info string, hasInfo bool) bool {
		want := Digest(l.App, l.Domain, l.SIP, l.GUID, l.DN, info, hasInfo, challenge, password)
		return subtle.ConstantTimeCompare([]byte(want), got) == 1
	}
	raw := bytes.TrimSpace(l.Info)
	if len(raw) == 0 || string(raw) == "null" {
		return match("", false)
	}
	if match(string(raw), true) {
		return true
	}
	var compact bytes.Buffer
	if json.Compact(&compact, raw) == nil && compact.Len() != len(raw) && match(compact.String(), true) {
		return true
	}
	var s string
	if raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		return match(s, true)
	}
	return false
}
