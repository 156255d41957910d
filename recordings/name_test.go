package recordings_test

import (
	"testing"

	"github.com/f0fce437/callrec/recordings"
	"github.com/stretchr/testify/assert"
)

const (
	guid = "f9e5956e47d460010630009033302ab1"
	mac  = "009033302ab1"
)

func TestParseFileName(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want recordings.FileName
	}{
		{"DoubledDash", guid + "-" + mac + "-11--username.pcap", recordings.FileName{Valid: true, GUID: guid, MAC: mac, Serial: 11, RegName: "username"}},
		{"SingleDashWithDashInName", guid + "-" + mac + "-11-alice-phone.pcap", recordings.FileName{Valid: true, GUID: guid, MAC: mac, Serial: 11, RegName: "alice-phone"}},
		{"DoubledDashNoExtension", guid + "-" + mac + "-11--alice-phone", recordings.FileName{Valid: true, GUID: guid, MAC: mac, Serial: 11, RegName: "alice-phone"}},
		{"NoRegName", guid + "-" + mac + "-11.pcap", recordings.FileName{Valid: true, GUID: guid, MAC: mac, Serial: 11}},
		{"URLEncodedRegName", guid + "-" + mac + "-11--J%C3%BCrgen.pcap", recordings.FileName{Valid: true, GUID: guid, MAC: mac, Serial: 11, RegName: "Jürgen"}},
		{"UpperCaseHexStoredLower", "F9E5956E47D460010630009033302AB1-009033302AB1-7.PCAP", recordings.FileName{Valid: true, GUID: guid, MAC: mac, Serial: 7}},
		{"TripleDashKeepsOne", guid + "-" + mac + "-3---x.pcap", recordings.FileName{Valid: true, GUID: guid, MAC: mac, Serial: 3, RegName: "-x"}},
		{"EmptyRegName", guid + "-" + mac + "-3--.pcap", recordings.FileName{Valid: true, GUID: guid, MAC: mac, Serial: 3}},
		{"PlusStaysPlus", guid + "-" + mac + "-3--a+b", recordings.FileName{Valid: true, GUID: guid, MAC: mac, Serial: 3, RegName: "a+b"}},
		{"ShortGUID", "f9e5956e47d4600106300090333-" + mac + "-11.pcap", recordings.FileName{}},
		{"NonHexGUID", "g9e5956e47d460010630009033302ab1-" + mac + "-11.pcap", recordings.FileName{}},
		{"NonHexMAC", guid + "-00903330zab1-11.pcap", recordings.FileName{}},
		{"NoSerial", guid + "-" + mac + "-.pcap", recordings.FileName{}},
		{"SerialNotDecimal", guid + "-" + mac + "-1a.pcap", recordings.FileName{}},
		{"SerialOverflow", guid + "-" + mac + "-99999999999999999999999.pcap", recordings.FileName{}},
		{"BadEscape", guid + "-" + mac + "-1--%zz.pcap", recordings.FileName{}},
		{"Anything", "call-from-bob.pcap", recordings.FileName{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, recordings.ParseFileName(c.in))
		})
	}
}

func TestCheckFileName(t *testing.T) {
	long := make([]byte, 1025)
	for i := range long {
		long[i] = 'a'
	}
	cases := []struct {
		name string
		in   string
		ok   bool
	}{
		{"Innovaphone", guid + "-" + mac + "-11--username.pcap", true},
		{"NotTheGrammarButFine", "whatever name.pcap", true},
		{"Slash", "a/b.pcap", false},
		{"Backslash", `a\b.pcap`, false},
		{"DotDot", "..", false},
		{"DotDotInside", "x..y.pcap", false},
		{"NUL", "a\x00b", false},
		{"EncodedSlash", "a%2Fb.pcap", false},
		{"EncodedDotDot", "%2E%2E", false},
		{"EncodedNUL", "a%00b", false},
		{"Empty", "", false},
		{"TooLong", string(long), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := recordings.CheckFileName(c.in)
			if c.ok {
				assert.NoError(t, err)
			} else {
				assert.Equal(t, recordings.Invalid, recordings.ErrorCode(err), "%v", err)
			}
		})
	}
}

func FuzzParseFileName(f *testing.F) {
	for _, s := range []string{
		guid + "-" + mac + "-11--username.pcap", guid + "-" + mac + "-11-alice-phone.pcap",
		guid + "-" + mac + "-11.pcap", guid + "-" + mac + "-11--J%C3%BCrgen.pcap", "../../etc/passwd", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		fn := recordings.ParseFileName(name)
		if !fn.Valid {
			if fn != (recordings.FileName{}) {
				t.Fatalf("invalid name with parts: %+v", fn)
			}
			return
		}
		if len(fn.GUID) != 32 || len(fn.MAC) != 12 {
			t.Fatalf("bad parts %+v", fn)
		}
		for _, s := range []string{fn.GUID, fn.MAC} {
			for _, c := range s {
				if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
					t.Fatalf("part %q not lower-case hex", s)
				}
			}
		}
		// CheckFileName must not panic either, and must refuse what holds a
		// separator in its decoded registration name.
		if err := recordings.CheckFileName(name); err == nil {
			for _, c := range fn.RegName {
				if c == '/' || c == 0 || c == '\\' {
					t.Fatalf("accepted %q with registration name %q", name, fn.RegName)
				}
			}
		}
	})
}
