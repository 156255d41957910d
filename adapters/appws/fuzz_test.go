package appws_test

import (
	"encoding/json"
	"testing"

	"github.com/f0fce437/callrec/adapters/appws"
)

// FuzzVerify feeds arbitrary AppLogin messages to Verify: nothing panics,
// and none verifies without the password that signed it.
func FuzzVerify(f *testing.F) {
	f.Add([]byte(`{"mt":"AppLogin","app":"pbxadminapi","digest":"96db3c3f657230c2b68194becc6d2a77f05de9f79f01fc81e9ca0fb196b10d9d","info":{"cn":"Test User"}}`))
	f.Add([]byte(`{"mt":"AppLogin","info":"{\"cn\":1}","digest":""}`))
	f.Add([]byte(`{"info":null}`))
	f.Fuzz(func(t *testing.T, msg []byte) {
		var l appws.Login
		if json.Unmarshal(msg, &l) != nil {
			return
		}
		if appws.Verify(l, "0123456789abcdef", "not-the-password") {
			t.Fatalf("verified with a password nobody signed with: %s", msg)
		}
		appws.Verify(l, "0123456789abcdef", "pwd")
	})
}
