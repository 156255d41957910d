package cdr_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/cdr"
)

var fixtures = []string{
	"basic-internal", "trunk-incoming", "trunk-outgoing", "waiting-queue",
	"consult-transfer", "call-forward", "duplicate",
}

func decodeAll(t *testing.T, data []byte) []cdr.CDR {
	t.Helper()
	cdrs, err := cdr.DecodeAll(bytes.NewReader(data), cdr.Limits{})
	require.NoError(t, err)
	return cdrs
}

// TestDecodeFixtures checks the model of every fixture against its golden
// file, and that Raw is the exact text of each element.
func TestDecodeFixtures(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			data := readFixture(t, name+".xml")
			cdrs := decodeAll(t, data)
			require.NotEmpty(t, cdrs)
			for i := range cdrs {
				raw := cdrs[i].Raw
				assert.True(t, bytes.HasPrefix(raw, []byte("<cdr ")), "raw starts with the start tag: %q", raw)
				assert.True(t, bytes.HasSuffix(raw, []byte("</cdr>")), "raw ends with the end tag")
				assert.True(t, bytes.Contains(data, raw), "raw is a substring of the input")
				again, err := cdr.Unmarshal(raw)
				require.NoError(t, err)
				assert.Equal(t, cdrs[i], again, "Unmarshal(Raw) gives the same CDR")
				cdrs[i].Raw = nil
			}
			golden(t, name+".parsed.json", cdrs)
		})
	}
}

// TestDecodeForms covers the shapes a body can take.
func TestDecodeForms(t *testing.T) {
	const one = `<cdr guid="g1" dir="from" utc="5"><user/><event msg="setup-from" time="0" conf="c1"/></cdr>`
	const two = `<cdr guid="g2" id="i2"><event msg="setup-to" conf="C2"/></cdr>`
	tests := []struct {
		name  string
		in    string
		guids []string
	}{
		{"empty", "", nil},
		{"white space only", " \n\t ", nil},
		{"one", one, []string{"g1"}},
		{"many at top level", one + "\n" + two + "\n", []string{"g1", "g2"}},
		{"wrapped", "<cdrs>" + one + two + "</cdrs>", []string{"g1", "g2"}},
		{"nested wrappers with text", "<a><b>hello " + one + "</b>" + two + "</a>", []string{"g1", "g2"}},
		{"declaration comment doctype pi", `<?xml version="1.0" encoding="UTF-8"?><!-- c --><!DOCTYPE cdrs><?pi x?>` + one, []string{"g1"}},
		{"self-closing cdr", `<cdr guid="g3"/>`, []string{"g3"}},
		{"wrapper without cdr", "<cdrs><other/></cdrs>", nil},
		{"unknown elements and attributes", `<cdr guid="g4" colour="red"><new><deep x="1"><cdr guid="inner"/></deep></new>` +
			`<event msg="m" future="1"><unknown/><to e164="1" extra="y"/></event></cdr>`, []string{"g4"}},
		{"namespaced", `<x:cdrs xmlns:x="urn:x"><cdr guid="g5" x:guid="other"><x:event msg="no"/></cdr></x:cdrs>`, []string{"g5"}},
		{"CDATA and references", `<cdr guid="&lt;g&#x36;&gt;"><event cn="A &amp; B"><![CDATA[<not markup>]]></event></cdr>`, []string{"<g6>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cdrs := decodeAll(t, []byte(tt.in))
			var guids []string
			for _, c := range cdrs {
				guids = append(guids, c.GUID)
			}
			assert.Equal(t, tt.guids, guids)
		})
	}
}

func TestDecodeModel(t *testing.T) {
	in := `<cdr guid="g" sys="s" pbx="p" node="n" device="d" cn="c" e164="1" h323="h" dir="ct" utc="10" local="20" id="i" seq="0">
<user pseudo="waiting"><grp name="g1" mode="active" dyn="in"/><grp name="g2"/></user>
<event msg="transfer-from" time="7" type="ext" e164="2" root="02" h323="x" cn="X" dn="Xd" cause="16" conf="C">
<to e164="3"/><to e164="ignored"/><ep e164="4" type="ext"/><cf e164="5"/><cf dn="6"/><ct h323="7"/><makecall appl="soap"/>
</event></cdr>`
	cdrs := decodeAll(t, []byte(in))
	require.Len(t, cdrs, 1)
	c := cdrs[0]
	c.Raw = nil
	want := cdr.CDR{
		GUID: "g", Sys: "s", PBX: "p", Node: "n", Device: "d", CN: "c", E164: "1", H323: "h", Dir: cdr.DirCT,
		UTC: 10, Local: 20, ID: "i", Seq: 0, HasSeq: true, Key: "id:i",
		User: &cdr.User{Pseudo: "waiting", Groups: []cdr.Group{{Name: "g1", Mode: "active", Dyn: "in"}, {Name: "g2"}}},
		Events: []cdr.Event{{
			Msg: cdr.MsgTransferFrom, Time: 7, Type: "ext", E164: "2", Root: "02", H323: "x", CN: "X", DN: "Xd",
			Cause: 16, HasCause: true, Conf: "C",
			To: &cdr.Party{E164: "3"}, EP: &cdr.Party{E164: "4", Type: "ext"},
			CF: []cdr.Party{{E164: "5"}, {DN: "6"}}, CT: []cdr.Party{{H323: "7"}}, MakeCall: "soap",
		}},
	}
	assert.Equal(t, want, c)
	assert.Equal(t, []string{"c"}, c.Confs(), "confs are lower case")
	assert.True(t, c.HasConf("c"))
	assert.Equal(t, "waiting", c.Pseudo())
	assert.Equal(t, int64(10), c.Start().Unix())
}

// TestDecodeErrors checks that every bad input fails with the right sentinel
// and says where.
func TestDecodeErrors(t *testing.T) {
	laughs := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
		`<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><cdr guid="&lol2;"/>`
	external := `<!DOCTYPE cdr [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><cdr guid="x"><event cn="&xxe;"/></cdr>`
	tests := []struct {
		name string
		in   string
		lim  cdr.Limits
		want error
		msg  string // in the error text
	}{
		{"mismatched end tag", string(readFixture(t, "malformed.xml")), cdr.Limits{}, cdr.ErrMalformed, "line 10, column 7 (byte 756), in <cdr> #2: malformed XML: element <event> closed by </cdr>"},
		{"truncated", `<cdr guid="g"><event msg="x"/>`, cdr.Limits{}, cdr.ErrMalformed, "unexpected end of input inside <cdr>"},
		{"text outside elements", `msg=%3Ccdr%3E`, cdr.Limits{}, cdr.ErrMalformed, "line 1, column 14 (byte 13): malformed XML: text outside any element"},
		{"unknown entity", `<cdr guid="&nbsp;"/>`, cdr.Limits{}, cdr.ErrMalformed, "invalid character entity &nbsp;"},
		{"billion laughs", laughs, cdr.Limits{}, cdr.ErrMalformed, "invalid character entity &lol2;"},
		{"external entity", external, cdr.Limits{}, cdr.ErrMalformed, "invalid character entity &xxe;"},
		{"repeated attribute", `<cdr guid="a" guid="b"/>`, cdr.Limits{}, cdr.ErrMalformed, "attribute guid repeated on <cdr>"},
		{"invalid UTF-8", "<cdr guid=\"\xff\"/>", cdr.Limits{}, cdr.ErrMalformed, "invalid UTF-8"},
		{"other encoding", `<?xml version="1.0" encoding="ISO-8859-1"?><cdr/>`, cdr.Limits{}, cdr.ErrMalformed, `encoding "ISO-8859-1" declared`},
		{"not XML", `{"cdr": 1}`, cdr.Limits{}, cdr.ErrMalformed, "text outside any element"},
		{"bad element name", `<cdr><1event/></cdr>`, cdr.Limits{}, cdr.ErrMalformed, "malformed XML"},
		{"end tag without start", `<cdr/></cdrs>`, cdr.Limits{}, cdr.ErrMalformed, "unexpected end element </cdrs>"},
		{"prefix differs in end tag", `<x:cdrs xmlns:x="u"><cdr/></y:cdrs>`, cdr.Limits{}, cdr.ErrMalformed, "element <x:cdrs> closed by </y:cdrs>"},
		{"utc not an integer", `<cdr utc="yesterday"/>`, cdr.Limits{}, cdr.ErrInvalid, `attribute utc="yesterday" of <cdr> is not an integer`},
		{"time not an integer", `<cdr><event time="1.5"/></cdr>`, cdr.Limits{}, cdr.ErrInvalid, `attribute time="1.5" of <event>`},
		{"cause out of range", `<cdr><event cause="300"/></cdr>`, cdr.Limits{}, cdr.ErrInvalid, "not a Q.931 cause"},
		{"seq not an integer", `<cdr seq="x"/>`, cdr.Limits{}, cdr.ErrInvalid, "attribute seq"},
		{"too deep", strings.Repeat("<a>", 17) + strings.Repeat("</a>", 17), cdr.Limits{}, cdr.ErrLimit, "nested deeper than 16"},
		{"too deep in a cdr", "<cdr>" + strings.Repeat("<a>", 5), cdr.Limits{MaxDepth: 4}, cdr.ErrLimit, "in <cdr> #1"},
		{"too many attributes", "<cdr" + manyAttrs(33) + "/>", cdr.Limits{}, cdr.ErrLimit, "has 33 attributes, more than 32"},
		{"attribute too long", `<cdr cn="` + strings.Repeat("x", 1025) + `"/>`, cdr.Limits{}, cdr.ErrLimit, "attribute cn of <cdr> is 1025 bytes long"},
		{"input too large", "<cdrs>" + strings.Repeat(`<cdr guid="g"/>`, 100) + "</cdrs>", cdr.Limits{MaxBytes: 1000}, cdr.ErrTooLarge, "more than 1000 bytes"},
		{"cdr too large", `<cdr><event cn="` + strings.Repeat("y", 900) + `"/></cdr>`, cdr.Limits{MaxCDRBytes: 512}, cdr.ErrTooLarge, "<cdr> element longer than 512 bytes"},
		{"huge text in a cdr", "<cdr>" + strings.Repeat("z", 70000) + "</cdr>", cdr.Limits{}, cdr.ErrTooLarge, "in <cdr> #1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cdr.DecodeAll(strings.NewReader(tt.in), tt.lim)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.want)
			var pe *cdr.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Positive(t, pe.Line)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestDecodeExactLimitsAccepted(t *testing.T) {
	in := `<cdr cn="` + strings.Repeat("x", 8) + `"/>`
	cdrs, err := cdr.DecodeAll(strings.NewReader(in), cdr.Limits{MaxBytes: int64(len(in)), MaxCDRBytes: len(in), MaxAttrLen: 8, MaxAttrs: 1, MaxDepth: 1})
	require.NoError(t, err)
	require.Len(t, cdrs, 1)
}

func TestDecodeReaderError(t *testing.T) {
	broken := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader(`<cdr guid="g"/><cdr gu`), iotest.ErrReader(broken))
	d := cdr.NewDecoder(r, cdr.Limits{})
	var c cdr.CDR
	require.NoError(t, d.Decode(&c))
	err := d.Decode(&c)
	assert.ErrorIs(t, err, broken)
	assert.NotErrorIs(t, err, cdr.ErrMalformed, "a failing reader is not malformed XML")
	assert.Equal(t, err, d.Decode(&c), "errors are sticky")
}

func TestDecodeReturnsFreshCDRs(t *testing.T) {
	d := cdr.NewDecoder(strings.NewReader(`<cdr guid="a"><event conf="1"/></cdr><cdr guid="b"/>`), cdr.Limits{})
	var c cdr.CDR
	require.NoError(t, d.Decode(&c))
	first := c
	require.NoError(t, d.Decode(&c))
	assert.Equal(t, "a", first.GUID)
	assert.Len(t, first.Events, 1, "the second Decode does not touch the first CDR")
	assert.Equal(t, `<cdr guid="a"><event conf="1"/></cdr>`, string(first.Raw))
	assert.Equal(t, `<cdr guid="b"/>`, string(c.Raw))
	assert.Nil(t, c.Events)
	assert.Equal(t, io.EOF, d.Decode(&c))
}

func manyAttrs(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(` a`)
		b.WriteString(strings.Repeat("b", i))
		b.WriteString(`="1"`)
	}
	return b.String()
}
