package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// uploadPCAP uploads a 4 s call of conference conf recorded by device.
func uploadPCAP(t *testing.T, ts *testServer, conf, device string, serial int) {
	t.Helper()
	name := conf + "-009033302ab1-" + itoa(serial) + "--" + device + ".pcap"
	res := digestPUT(t, ts.base+"/Files/"+name, fixturePCAP(t, 4*time.Second), testWebDAVUser, testWebDAVPass)
	res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode)
}

// userCDR is the CDR of user object h323 (display name cn) for a call of
// conference conf started at utc, with the <grp> elements given verbatim.
func userCDR(conf, h323, cn, device string, utc int64, grps ...string) string {
	return fmt.Sprintf(`<cdr guid="5e1f2a3be909d31188ce00903306a2ff" sys="PBX" pbx="pbx1" node="root" device="%s" cn="%s" e164="103" h323="%s" dir="from" utc="%d">
<user>%s</user>
<event msg="setup-from" time="0" conf="%s"/>
<event msg="alert-to" time="1" e164="101" h323="bob" cn="Bob B"/>
<event msg="conn-to" time="2" e164="101" h323="bob" cn="Bob B"/>
<event msg="rel-to" time="4" cause="0"/>
</cdr>`, device, cn, h323, utc, strings.Join(grps, ""), conf)
}

// trunkCDR is the CDR of a trunk for an incoming call of conference conf
// answered by user h323: it names the user without saying they are one.
func trunkCDR(conf, h323 string) string {
	return `<cdr guid="77c0de01e909d31188ce0090330a0001" sys="PBX" pbx="pbx1" node="root" cn="SIP Provider" e164="0" h323="sip-trunk" dir="from" utc="1767348000">
<user pseudo="trunk"/>
<event msg="setup-from" time="0" type="ext" e164="103" h323="` + h323 + `" conf="` + conf + `"/>
<event msg="alert-to" time="0" e164="103" h323="` + h323 + `"/>
<event msg="conn-to" time="3" e164="103" h323="` + h323 + `"/>
<event msg="rel-to" time="9" cause="16"/>
</cdr>`
}
