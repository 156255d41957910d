package cdr_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/cdr"
)

func keyOf(t *testing.T, in string) cdr.Key {
	t.Helper()
	cdrs := decodeAll(t, []byte(in))
	require.Len(t, cdrs, 1)
	return cdrs[0].Key
}

func TestKeyByID(t *testing.T) {
	assert.Equal(t, cdr.Key("id:ABC"), keyOf(t, `<cdr id="ABC" guid="1"/>`))
	assert.Equal(t, keyOf(t, `<cdr id="ABC" guid="1"/>`), keyOf(t, `<cdr id="ABC" guid="2"/>`),
		"the id alone decides, as innovaphone documents")
}

func TestKeyCanonical(t *testing.T) {
	const base = `<cdr guid="g" utc="1" cn="A &amp; B"><user/><event msg="setup-from" time="0" conf="c"/></cdr>`
	same := []struct{ name, in string }{
		{"attribute order", `<cdr cn="A &amp; B" utc="1" guid="g"><user/><event conf="c" time="0" msg="setup-from"/></cdr>`},
		{"quotes", `<cdr guid='g' utc='1' cn='A &amp; B'><user/><event msg='setup-from' time='0' conf='c'/></cdr>`},
		{"white space between elements", "<cdr guid=\"g\" utc=\"1\" cn=\"A &amp; B\">\n  <user/>\r\n\t<event msg=\"setup-from\" time=\"0\" conf=\"c\"/>\n</cdr>"},
		{"white space in tags", `<cdr  guid = "g"  utc="1" cn="A &amp; B" ><user /><event msg="setup-from" time="0" conf="c" ></event ></cdr >`},
		{"character references", `<cdr guid="&#103;" utc="1" cn="A &#x26; B"><user></user><event msg="setup-from" time="0" conf="c"></event></cdr>`},
		{"comments and processing instructions", `<cdr guid="g" utc="1" cn="A &amp; B"><!-- x --><user/><?p?><event msg="setup-from" time="0" conf="c"/></cdr>`},
	}
	differ := []struct{ name, in string }{
		{"value", `<cdr guid="g" utc="2" cn="A &amp; B"><user/><event msg="setup-from" time="0" conf="c"/></cdr>`},
		{"unknown attribute", `<cdr guid="g" utc="1" cn="A &amp; B" new="1"><user/><event msg="setup-from" time="0" conf="c"/></cdr>`},
		{"unknown element", `<cdr guid="g" utc="1" cn="A &amp; B"><user/><x/><event msg="setup-from" time="0" conf="c"/></cdr>`},
		{"element order", `<cdr guid="g" utc="1" cn="A &amp; B"><event msg="setup-from" time="0" conf="c"/><user/></cdr>`},
		{"text", `<cdr guid="g" utc="1" cn="A &amp; B"><user>x</user><event msg="setup-from" time="0" conf="c"/></cdr>`},
		{"white space inside a value", `<cdr guid="g" utc="1" cn="A  &amp; B"><user/><event msg="setup-from" time="0" conf="c"/></cdr>`},
		{"value moved between attributes", `<cdr guid="g" utc="1" cn="A &amp;" dn=" B"><user/><event msg="setup-from" time="0" conf="c"/></cdr>`},
		{"namespace declaration", `<cdr xmlns:p="urn:x" guid="g" utc="1" cn="A &amp; B"><user/><event msg="setup-from" time="0" conf="c"/></cdr>`},
		{"namespace", `<cdr xmlns="urn:x" guid="g" utc="1" cn="A &amp; B"><user/><event msg="setup-from" time="0" conf="c"/></cdr>`},
	}
	want := keyOf(t, base)
	assert.True(t, strings.HasPrefix(string(want), "sha256:"))
	assert.Len(t, string(want), len("sha256:")+64)
	for _, tt := range same {
		t.Run("same/"+tt.name, func(t *testing.T) { assert.Equal(t, want, keyOf(t, tt.in)) })
	}
	for _, tt := range differ {
		t.Run("differs/"+tt.name, func(t *testing.T) { assert.NotEqual(t, want, keyOf(t, tt.in)) })
	}
}

func TestCanonicalForm(t *testing.T) {
	in := "<cdrs><cdr utc='1' guid=\"g\" id=\"i\">\n <event msg='x' cn='a\"&lt;b&gt;\t' /> <!-- c -->\n tail\r\n</cdr></cdrs>"
	got, err := cdr.CanonicalForm(strings.NewReader(in), cdr.Limits{})
	require.NoError(t, err)
	assert.Equal(t, `<cdr guid="g" id="i" utc="1"><event cn="a&quot;&lt;b&gt;&#9;" msg="x"></event>&#10; tail&#10;</cdr>`, string(got))
}

// TestKeyIndependentOfContext: a CDR has the same key inside its batch and
// parsed alone from Raw, whatever the batch declares around it.
func TestKeyIndependentOfContext(t *testing.T) {
	in := `<x:cdrs xmlns:x="urn:x" xmlns="urn:d"><cdr guid="g"><x:event msg="m"/><event msg="n"/></cdr></x:cdrs>`
	cdrs := decodeAll(t, []byte(in))
	require.Len(t, cdrs, 1)
	alone, err := cdr.Unmarshal(cdrs[0].Raw)
	require.NoError(t, err)
	assert.Equal(t, cdrs[0], alone)
	assert.Len(t, alone.Events, 1, "a prefixed element is not a CDR event")
}
