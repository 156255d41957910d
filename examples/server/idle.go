package main

import (
	"io"
	"net/http"
	"time"
)

// idleBody extends the connection's read deadline before every read of a
// request body, so that an upload may stream for the length of a call
// while a client that stops sending is cut off after timeout.
type idleBody struct {
	io.ReadCloser
	rc      *http.ResponseController
	timeout time.Duration
}

func (b *idleBody) Read(p []byte) (int, error) {
	_ = b.rc.SetReadDeadline(time.Now().Add(b.timeout)) // not every connection supports it (HTTP/2 does, per stream)
	return b.ReadCloser.Read(p)
}

// idleTimeout wraps request bodies in idleBody.
func idleTimeout(timeout time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = &idleBody{ReadCloser: r.Body, rc: http.NewResponseController(w), timeout: timeout}
		next.ServeHTTP(w, r)
	})
}
