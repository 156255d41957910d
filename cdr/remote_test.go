package cdr_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/f0fce437/callrec/cdr"
)

// TestResolveRemoteFromTheBestEventOfTheParty: the event that connected
// often carries only a number although an earlier one (setup, alert) of
// the same party named it; the remote party takes its name from there, and
// never from another party (a forward's first target).
func TestResolveRemoteFromTheBestEventOfTheParty(t *testing.T) {
	tests := []struct {
		name   string
		dir    string
		events string
		want   cdr.Party
	}{
		{"named at alert, connected by number", "from",
			`<event msg="setup-from" time="0" conf="%s"/>
			<event msg="alert-to" time="1" e164="202" h323="bob" cn="Bob Brown" dn="Bob"/>
			<event msg="conn-to" time="3" e164="202"/>`,
			cdr.Party{E164: "202", H323: "bob", CN: "Bob Brown", DN: "Bob"}},
		{"named at setup, connected by number", "to",
			`<event msg="setup-to" time="0" e164="0301234" cn="Mallory Meier" type="ext" conf="%s"/>
			<event msg="alert-from" time="0" e164="0301234"/>
			<event msg="conn-from" time="4" e164="0301234"/>`,
			cdr.Party{E164: "0301234", CN: "Mallory Meier", Type: "ext"}},
		{"named by h323 only at connect", "from",
			`<event msg="setup-from" time="0" conf="%s"/>
			<event msg="alert-to" time="1" e164="203" h323="carol" cn="Carol Clark"/>
			<event msg="conn-to" time="2" h323="carol"/>`,
			cdr.Party{E164: "203", H323: "carol", CN: "Carol Clark"}},
		{"another party is not borrowed from", "from",
			`<event msg="setup-from" time="0" conf="%s"/>
			<event msg="alert-to" time="1" e164="202" cn="Bob Brown"/>
			<event msg="alert-to" time="5" e164="204" cn="Dave Dunn"/>
			<event msg="conn-to" time="8" e164="205"/>`,
			cdr.Party{E164: "205"}},
		{"the connect's own name wins", "from",
			`<event msg="setup-from" time="0" conf="%s"/>
			<event msg="alert-to" time="1" e164="202" cn="Reception"/>
			<event msg="conn-to" time="3" e164="202" cn="Bob Brown"/>`,
			cdr.Party{E164: "202", CN: "Bob Brown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			xml := fmt.Sprintf(`<cdr guid="5e1f2a3be909d31188ce00903306a201" pbx="pbx1" cn="Alice Adams" e164="201" h323="alice" dir="%s" utc="1736935200">`+
				tt.events+`<event msg="rel-from" time="60" cause="16"/></cdr>`, tt.dir, confBasic)
			info := cdr.Resolve(rec(confBasic, "alice"), decodeAll(t, []byte(xml)), cdr.Policy{})
			assert.Equal(t, cdr.StateAttached, info.State)
			assert.Equal(t, tt.want, info.Remote)
		})
	}
}
