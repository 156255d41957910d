package cdr_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/f0fce437/callrec/cdr"
)

// FuzzDecode feeds arbitrary bytes to the Decoder. Whatever it accepts must
// hold together: each Raw is a piece of the input that parses back to the
// same CDR, and correlation over the result never panics. The committed seeds
// in testdata/fuzz/FuzzDecode come from the fixtures and the error cases.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`<cdr guid="g" id="i"><user pseudo="trunk"><grp name="x"/></user><event msg="setup-from" time="0" conf="c"><ep e164="1"/></event></cdr>`))
	f.Add([]byte(`<cdrs><cdr><event msg="conn-to" type="ext" conf="C"><to h323="t"/><cf dn="d"/><ct/></event></cdr></cdrs>`))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "&a;&a;">]><cdr guid="&a;"/>`))
	lim := cdr.Limits{MaxBytes: 1 << 16, MaxCDRBytes: 1 << 14, MaxDepth: 8, MaxAttrs: 16, MaxAttrLen: 256}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := cdr.NewDecoder(bytes.NewReader(data), lim)
		var all []cdr.CDR
		for {
			var c cdr.CDR
			err := d.Decode(&c)
			if err == io.EOF {
				break
			}
			if err != nil {
				if pe, ok := err.(*cdr.ParseError); !ok || pe.Line < 1 || pe.Column < 1 {
					t.Fatalf("error without a position: %v", err)
				}
				break
			}
			if !bytes.Contains(data, c.Raw) || len(c.Raw) > lim.MaxCDRBytes {
				t.Fatalf("Raw %q is not a bounded piece of the input", c.Raw)
			}
			again, err := cdr.Unmarshal(c.Raw)
			if err != nil {
				t.Fatalf("Raw of an accepted CDR does not parse: %v", err)
			}
			if again.Key != c.Key || again.GUID != c.GUID || len(again.Events) != len(c.Events) {
				t.Fatalf("Raw parses differently: %+v vs %+v", again, c)
			}
			all = append(all, c)
		}
		for _, c := range all {
			for _, conf := range c.Confs() {
				cdr.Resolve(cdr.Recording{Conf: conf, RegName: c.H323, MAC: c.Device}, all, cdr.Policy{})
				cdr.Resolve(cdr.Recording{Conf: conf}, all, cdr.Policy{Directory: cdr.UserList{{Name: c.H323, Devices: []string{c.Device}}}})
			}
		}
	})
}
