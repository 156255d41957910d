package cdr

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"hash"
	"io"
	"slices"
	"strings"
)

// A Key identifies a CDR for de-duplication: a CDR the PBX sends twice has the
// same Key both times.
//
// A CDR with an id attribute has the key "id:" + id (innovaphone: "a unique
// GUID identifying this CDR", meant for avoiding duplicates). A CDR without
// one (older PBXs) has the key "sha256:" + the lower-case hex SHA-256 of the
// canonical form of its <cdr> element, which is defined on the XML as parsed
// (entity and character references resolved, line ends normalised to LF as
// XML requires) as follows:
//
//	element   = "<" name attribute* ">" content* "</" name ">"
//	name      = the name as written: local name, or prefix ":" local name
//	attribute = " " name "=" '"' escaped value '"'
//	content   = element | escaped character data
//
// Attributes appear sorted by prefix, then local name; namespace declarations
// (xmlns, xmlns:*) are attributes like the others, so the form of a <cdr>
// element does not depend on the document around it. Character data made only of XML
// white space (space, tab, CR, LF) is left out; any other character data is
// kept as it is. Comments, processing instructions and directives are left
// out. Escaping replaces & < > " TAB LF CR by &amp; &lt; &gt; &quot; &#9;
// &#10; &#13;. So attribute order, quoting style, self-closing tags, entity
// spelling and indentation do not change the key, and any change of an
// element, attribute or value does, unknown ones included.
type Key string

// CanonicalForm returns the canonical form (see Key) of the first <cdr>
// element read from r, and io.EOF if there is none.
func CanonicalForm(r io.Reader, lim Limits) ([]byte, error) {
	d := NewDecoder(r, lim)
	var sink strings.Builder
	d.canon.out = &sink
	d.canon.always = true // even for a CDR with an id
	var c CDR
	if err := d.Decode(&c); err != nil {
		return nil, err
	}
	return []byte(sink.String()), nil
}

// canonWriter writes the canonical form of a <cdr> element into a SHA-256
// hash (or, for CanonicalForm, into out), batching small writes.
type canonWriter struct {
	h      hash.Hash
	out    io.Writer // when set, receives the form instead of h
	always bool      // write the form even for a CDR with an id
	buf    []byte
	attrs  []xml.Attr
}

func (w *canonWriter) reset() {
	if w.h == nil {
		w.h = sha256.New()
	}
	w.h.Reset()
	w.buf = w.buf[:0]
}

func (w *canonWriter) start(t xml.StartElement) {
	w.buf = append(w.buf, '<')
	w.name(t.Name)
	w.attrs = append(w.attrs[:0], t.Attr...)
	slices.SortFunc(w.attrs, func(a, b xml.Attr) int {
		if c := strings.Compare(a.Name.Space, b.Name.Space); c != 0 {
			return c
		}
		return strings.Compare(a.Name.Local, b.Name.Local)
	})
	for _, a := range w.attrs {
		w.buf = append(w.buf, ' ')
		w.name(a.Name)
		w.buf = append(w.buf, '=', '"')
		w.escape([]byte(a.Value))
		w.buf = append(w.buf, '"')
	}
	w.buf = append(w.buf, '>')
	w.flushIfFull()
}

func (w *canonWriter) end(n xml.Name) {
	w.buf = append(w.buf, '<', '/')
	w.name(n)
	w.buf = append(w.buf, '>')
	w.flushIfFull()
}

func (w *canonWriter) text(b []byte) {
	if isSpace(b) {
		return
	}
	w.escape(b)
	w.flushIfFull()
}

func (w *canonWriter) name(n xml.Name) {
	if n.Space != "" {
		w.buf = append(w.buf, n.Space...)
		w.buf = append(w.buf, ':')
	}
	w.buf = append(w.buf, n.Local...)
}

func (w *canonWriter) escape(b []byte) {
	for _, c := range b {
		switch c {
		case '&':
			w.buf = append(w.buf, "&amp;"...)
		case '<':
			w.buf = append(w.buf, "&lt;"...)
		case '>':
			w.buf = append(w.buf, "&gt;"...)
		case '"':
			w.buf = append(w.buf, "&quot;"...)
		case '\t':
			w.buf = append(w.buf, "&#9;"...)
		case '\n':
			w.buf = append(w.buf, "&#10;"...)
		case '\r':
			w.buf = append(w.buf, "&#13;"...)
		default:
			w.buf = append(w.buf, c)
		}
	}
}

func (w *canonWriter) flushIfFull() {
	if len(w.buf) >= 4096 {
		w.flush()
	}
}

func (w *canonWriter) flush() {
	if w.out != nil {
		w.out.Write(w.buf) //nolint:errcheck // strings.Builder does not fail
	} else {
		w.h.Write(w.buf) //nolint:errcheck // hash.Hash does not fail
	}
	w.buf = w.buf[:0]
}

// key finishes the form and returns its key.
func (w *canonWriter) key() Key {
	w.flush()
	var sum [sha256.Size]byte
	return Key("sha256:" + hex.EncodeToString(w.h.Sum(sum[:0])))
}
