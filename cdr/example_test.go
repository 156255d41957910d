package cdr_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/f0fce437/callrec/cdr"
)

// The body the PBX sends for "A(100) calls B(101)": one CDR per object.
const exampleBody = `<cdr guid="e78cb2b8e909d31188ce0090330602e8" sys="PBX" pbx="." node="root" device="a" cn="A" e164="100" h323="a" dir="from" utc="1272551262" local="1272558462">
<user/>
<event msg="setup-from" time="0" conf="e89277f0e909d31192e80090331032dd"/>
<event msg="alert-to" time="1" e164="101" h323="b"/>
<event msg="conn-to" time="2" e164="101" h323="b"/>
<event msg="rel-to" time="4" cause="0"/>
</cdr>
<cdr guid="9362bef8e909d31188ce0090330602e8" sys="PBX" pbx="." node="root" device="b" cn="B" e164="101" h323="b" dir="to" utc="1272551263" local="1272558463">
<user/>
<event msg="setup-to" time="0" e164="100" h323="a" conf="e89277f0e909d31192e80090331032dd"/>
<event msg="alert-from" time="0" e164="100" h323="a"/>
<event msg="conn-from" time="1" e164="100" h323="a"/>
<event msg="rel-from" time="3" cause="0"/>
</cdr>`

func ExampleDecoder() {
	d := cdr.NewDecoder(strings.NewReader(exampleBody), cdr.Limits{})
	for {
		var c cdr.CDR
		err := d.Decode(&c)
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(c.H323, c.Dir, c.Confs(), c.Key[:15]+"...")
	}
	// Output:
	// a from [e89277f0e909d31192e80090331032dd] sha256:10a79700...
	// b to [e89277f0e909d31192e80090331032dd] sha256:9050b184...
}

func ExampleDecoder_malformed() {
	_, err := cdr.DecodeAll(strings.NewReader("<cdr>\n<event msg='x'>\n</cdr>"), cdr.Limits{})
	fmt.Println(err)
	// Output:
	// cdr: line 3, column 7 (byte 28), in <cdr> #1: malformed XML: element <event> closed by </cdr>
}

func ExampleResolve() {
	cdrs, _ := cdr.DecodeAll(strings.NewReader(exampleBody), cdr.Limits{})
	// B's phone recorded the call: pcap e89277f0e909d31192e80090331032dd-009033000b0b-1--b.pcap
	rec := cdr.Recording{Conf: "e89277f0e909d31192e80090331032dd", MAC: "009033000b0b", RegName: "b"}
	info := cdr.Resolve(rec, cdrs, cdr.Policy{})
	fmt.Println(info.State, info.Owner, info.Direction, info.Remote.E164, info.Start, info.TalkTime)

	// The same recording before any CDR arrived.
	fmt.Println(cdr.Resolve(rec, nil, cdr.Policy{}).State)
	// Output:
	// attached b internal 100 2010-04-29 14:27:43 +0000 UTC 2s
	// pending
}
