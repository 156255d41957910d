package appws_test

import (
	"encoding/json"
	"fmt"

	"github.com/f0fce437/callrec/adapters/appws"
)

// Checking an AppLogin as it arrives: the info object is verified over its
// text exactly as received.
func ExampleVerify() {
	msg := []byte(`{"mt":"AppLogin","app":"pbxadminapi","domain":"","sip":"","guid":"","dn":"",` +
		`"digest":"96db3c3f657230c2b68194becc6d2a77f05de9f79f01fc81e9ca0fb196b10d9d","info":{"cn":"Test User"}}`)
	var l appws.Login
	if err := json.Unmarshal(msg, &l); err != nil {
		panic(err)
	}
	fmt.Println(appws.Verify(l, "0123456789abcdef", "pwd"))
	fmt.Println(appws.Verify(l, "0123456789abcdef", "wrong"))
	// Output:
	// true
	// false
}
