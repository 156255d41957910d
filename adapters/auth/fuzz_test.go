package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzDigestHeader feeds hostile Authorization headers to the parser and
// the Guard: nothing panics, and nothing without the secret is admitted.
func FuzzDigestHeader(f *testing.F) {
	f.Add(`Digest username="phone", realm="callrec", nonce="abc", uri="/x", algorithm=SHA-256, qop=auth, nc=00000001, cnonce="c", response="00"`)
	f.Add(`Digest username="a\"b", realm=callrec,,, nonce=`)
	f.Add(`Basic cGhvbmU6c2VjcmV0`)
	g := NewGuard(Secrets{
		Basic: func(_ context.Context, u, p string) (bool, error) { return u == "phone" && p == "right", nil },
		HA1: func(_ context.Context, alg, u string) (string, bool, error) {
			return HA1(alg, u, "callrec", "right"), u == "phone", nil
		},
	}, GuardOptions{})
	h := g.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(299) }))
	f.Fuzz(func(t *testing.T, header string) {
		p := parseParams(header)
		for k := range p {
			if k == "" {
				t.Fatal("empty parameter name")
			}
		}
		req := httptest.NewRequest(http.MethodPut, "/x", nil)
		req.Header.Set("Authorization", header)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code == 299 {
			t.Fatalf("admitted without the secret: %q", header)
		}
	})
}
