package auth_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/f0fce437/callrec/adapters/auth"
)

// A Guard in front of an upload handler: phones authenticate with Basic or
// Digest; the server stores only the HA1 of the password for Digest.
func ExampleGuard() {
	ha1 := map[string]string{
		auth.SHA256: auth.HA1(auth.SHA256, "phone", "callrec", "secret"),
		auth.MD5:    auth.HA1(auth.MD5, "phone", "callrec", "secret"),
	}
	g := auth.NewGuard(auth.Secrets{
		HA1: func(_ context.Context, alg, user string) (string, bool, error) {
			return ha1[alg], user == "phone", nil
		},
	}, auth.GuardOptions{Realm: "callrec", Attempts: auth.NewLimiter(auth.LimiterOptions{})})
	h := g.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "stored for", auth.User(r.Context()))
	}))

	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPut, "/recordings/Files/call.pcap", nil))
	fmt.Println(w.Code, len(w.Result().Header.Values("WWW-Authenticate")), "challenges")
	// Output: 401 2 challenges
}

func ExampleHA1() {
	fmt.Println(auth.HA1(auth.MD5, "Mufasa", "http-auth@example.org", "Circle of Life"))
	// Output: 3d78807defe7de2157e2b0b6573a855f
}
