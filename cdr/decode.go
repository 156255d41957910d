package cdr

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Default limits of a Decoder. A PBX buffers at most 300 kB of CDRs per
// interface and one CDR is about 1 kB, so these leave a wide margin while
// bounding what hostile input can make the decoder hold.
const (
	DefaultMaxBytes    = 8 << 20  // whole input
	DefaultMaxCDRBytes = 64 << 10 // one <cdr> element
	DefaultMaxDepth    = 16       // element nesting, a wrapping root included
	DefaultMaxAttrs    = 32       // attributes of one element
	DefaultMaxAttrLen  = 1024     // bytes of one attribute value
)

// Limits bound what a Decoder reads. The zero value of a field means its
// default.
type Limits struct {
	MaxBytes    int64 // bytes of the whole input
	MaxCDRBytes int   // bytes of one <cdr> element, start to end tag
	MaxDepth    int   // element nesting depth
	MaxAttrs    int   // attributes on one element
	MaxAttrLen  int   // bytes of one attribute value
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxCDRBytes <= 0 {
		l.MaxCDRBytes = DefaultMaxCDRBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxAttrs <= 0 {
		l.MaxAttrs = DefaultMaxAttrs
	}
	if l.MaxAttrLen <= 0 {
		l.MaxAttrLen = DefaultMaxAttrLen
	}
	return l
}

// A Decoder reads CDRs from a stream: one or many <cdr> elements, at the top
// level or inside wrapping elements of any name. Elements and attributes it
// does not know are skipped (they still count towards the de-duplication key
// and stay in Raw); comments, processing instructions and directives are
// ignored; malformed XML, text outside any element and entity references
// other than XML's predefined ones (&lt; &gt; &amp; &apos; &quot; and
// character references) are errors. A DOCTYPE's entity declarations are never
// expanded, so "billion laughs" input fails at its first reference.
//
// A Decoder is not safe for concurrent use.
type Decoder struct {
	lim   Limits
	src   source
	xd    *xml.Decoder
	open  []xml.Name // open elements, as written (prefix, local name)
	count int        // <cdr> elements started
	// events collects the current CDR's events; copied out once at its end
	// so that the CDR gets one exactly sized slice.
	events []Event
	err    error
	canon  canonWriter
}

// NewDecoder returns a Decoder reading from r within lim. It reads r through
// its own buffer and may read past the last CDR it returns.
//
// Names are taken as written: a prefixed element or attribute (x:event) is
// not a CDR one, and namespace declarations are ordinary attributes, so that
// a <cdr> element means the same inside its batch and on its own (Raw).
func NewDecoder(r io.Reader, lim Limits) *Decoder {
	d := &Decoder{lim: lim.withDefaults()}
	d.src.r = r
	d.src.max = d.lim.MaxBytes
	d.xd = xml.NewDecoder(&d.src)
	return d
}

// Decode reads the next CDR into c, replacing its contents. It returns io.EOF
// when the input holds no further <cdr> element, and a *ParseError otherwise.
// Errors are sticky: after one, Decode returns it again. The new contents of
// c share no memory with the Decoder or with c's previous contents.
func (d *Decoder) Decode(c *CDR) error {
	if d.err != nil {
		return d.err
	}
	err := d.next(c)
	if err != nil {
		d.err = err
	}
	return err
}

// DecodeAll reads every CDR of r within lim. On error it returns the CDRs read
// before it.
func DecodeAll(r io.Reader, lim Limits) ([]CDR, error) {
	d := NewDecoder(r, lim)
	var out []CDR
	for {
		var c CDR
		err := d.Decode(&c)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, c)
	}
}

// next skips to the next <cdr> start tag and reads the element.
func (d *Decoder) next(c *CDR) error {
	for {
		// Outside a CDR no byte needs keeping: drop what was read.
		d.src.discard(d.xd.InputOffset())
		start := d.xd.InputOffset()
		tok, err := d.token()
		if err == io.EOF {
			return io.EOF
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "cdr" {
				d.count++
				return d.readCDR(c, t, start)
			}
		case xml.CharData:
			if len(d.open) == 0 && !isSpace(t) {
				return d.errorf(ErrMalformed, "text outside any element")
			}
		}
	}
}

// child names the element directly inside <cdr> being read, for its own
// children.
type child int

const (
	childOther child = iota
	childUser
	childEvent
)

// readCDR reads the <cdr> element whose start tag t began at byte start.
func (d *Decoder) readCDR(c *CDR, t xml.StartElement, start int64) error {
	*c = CDR{}
	if err := d.src.startKeep(start, d.lim.MaxCDRBytes); err != nil {
		return d.fail(err)
	}
	if err := d.cdrAttrs(c, t.Attr); err != nil {
		return err
	}
	hashing := c.ID == "" || d.canon.always
	if hashing {
		d.canon.reset()
		d.canon.start(t)
	}
	base := len(d.open)
	in := childOther
	clear(d.events) // drop references into the previous CDR
	d.events = d.events[:0]
	for {
		tok, err := d.token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if hashing {
				d.canon.start(t)
			}
			if t.Name.Space != "" {
				continue // a foreign element: unknown
			}
			switch len(d.open) - base {
			case 1:
				in = childOther
				switch t.Name.Local {
				case "user":
					in = childUser
					c.User = &User{Pseudo: attr(t.Attr, "pseudo")}
				case "event":
					in = childEvent
					d.events = append(d.events, Event{})
					if err := d.eventAttrs(&d.events[len(d.events)-1], t.Attr); err != nil {
						return err
					}
				}
			case 2:
				switch in {
				case childUser:
					if t.Name.Local == "grp" {
						c.User.Groups = append(c.User.Groups, Group{
							Name: attr(t.Attr, "name"), Mode: attr(t.Attr, "mode"), Dyn: attr(t.Attr, "dyn"),
						})
					}
				case childEvent:
					eventChild(&d.events[len(d.events)-1], t)
				}
			}
		case xml.EndElement:
			if hashing {
				d.canon.end(t.Name)
			}
			if len(d.open) < base {
				return d.finishCDR(c, start, hashing)
			}
		case xml.CharData:
			if hashing {
				d.canon.text(t)
			}
		}
	}
}

func (d *Decoder) finishCDR(c *CDR, start int64, hashing bool) error {
	end := d.xd.InputOffset()
	c.Raw = append([]byte(nil), d.src.bytes(start, end)...)
	if len(d.events) > 0 {
		c.Events = append([]Event(nil), d.events...)
	}
	d.src.stopKeep()
	if hashing {
		c.Key = d.canon.key()
	}
	if c.ID != "" {
		c.Key = Key("id:" + c.ID)
	}
	return nil
}

// token returns the next token of the input, checks that elements nest and
// that the structural limits hold, and keeps d.open. It returns io.EOF only at
// the end of the input outside any element; any other error is a
// *ParseError.
func (d *Decoder) token() (xml.Token, error) {
	// RawToken leaves names as written and leaves nesting to us:
	// Token's namespace translation would make a <cdr> mean something
	// else inside its batch than on its own.
	tok, err := d.xd.RawToken()
	if err == io.EOF {
		if len(d.open) > 0 {
			return nil, d.errorf(ErrMalformed, "unexpected end of input inside <%s>", clip(qname(d.open[len(d.open)-1])))
		}
		return nil, io.EOF
	}
	if err != nil {
		return nil, d.fail(err)
	}
	switch t := tok.(type) {
	case xml.StartElement:
		d.open = append(d.open, t.Name)
		if err := d.enter(t); err != nil {
			return nil, err
		}
	case xml.EndElement:
		if len(d.open) == 0 {
			return nil, d.errorf(ErrMalformed, "unexpected end element </%s>", clip(qname(t.Name)))
		}
		if top := d.open[len(d.open)-1]; top != t.Name {
			return nil, d.errorf(ErrMalformed, "element <%s> closed by </%s>", clip(qname(top)), clip(qname(t.Name)))
		}
		d.open = d.open[:len(d.open)-1]
	}
	return tok, nil
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// enter checks the structural limits for a start tag.
func (d *Decoder) enter(t xml.StartElement) error {
	if len(d.open) > d.lim.MaxDepth {
		return d.errorf(ErrLimit, "elements nested deeper than %d", d.lim.MaxDepth)
	}
	if len(t.Attr) > d.lim.MaxAttrs {
		return d.errorf(ErrLimit, "element <%s> has %d attributes, more than %d", clip(qname(t.Name)), len(t.Attr), d.lim.MaxAttrs)
	}
	for i, a := range t.Attr {
		if len(a.Value) > d.lim.MaxAttrLen {
			return d.errorf(ErrLimit, "attribute %s of <%s> is %d bytes long, more than %d",
				clip(qname(a.Name)), clip(qname(t.Name)), len(a.Value), d.lim.MaxAttrLen)
		}
		for _, b := range t.Attr[:i] {
			if b.Name == a.Name {
				return d.errorf(ErrMalformed, "attribute %s repeated on <%s>", clip(qname(a.Name)), clip(qname(t.Name)))
			}
		}
	}
	return nil
}

func (d *Decoder) cdrAttrs(c *CDR, attrs []xml.Attr) error {
	for _, a := range attrs {
		if a.Name.Space != "" {
			continue
		}
		var err error
		switch a.Name.Local {
		case "guid":
			c.GUID = a.Value
		case "sys":
			c.Sys = a.Value
		case "pbx":
			c.PBX = a.Value
		case "node":
			c.Node = a.Value
		case "device":
			c.Device = a.Value
		case "cn":
			c.CN = a.Value
		case "e164":
			c.E164 = a.Value
		case "h323":
			c.H323 = a.Value
		case "dir":
			c.Dir = Dir(a.Value)
		case "id":
			c.ID = a.Value
		case "utc":
			c.UTC, err = d.integer("cdr", a)
		case "local":
			c.Local, err = d.integer("cdr", a)
		case "seq":
			c.Seq, err = d.integer("cdr", a)
			c.HasSeq = true
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (d *Decoder) eventAttrs(e *Event, attrs []xml.Attr) error {
	for _, a := range attrs {
		if a.Name.Space != "" {
			continue
		}
		switch a.Name.Local {
		case "msg":
			e.Msg = Msg(a.Value)
		case "time":
			t, err := d.integer("event", a)
			if err != nil {
				return err
			}
			e.Time = t
		case "cause":
			n, err := d.integer("event", a)
			if err != nil {
				return err
			}
			if n < 0 || n > 127 { // Q.931 causes are 7 bits
				return d.errorf(ErrInvalid, "attribute cause=%s of <event> is not a Q.931 cause", strconv.Quote(clip(a.Value)))
			}
			e.Cause, e.HasCause = int(n), true
		case "conf":
			e.Conf = a.Value
		case "type":
			e.Type = a.Value
		case "e164":
			e.E164 = a.Value
		case "root":
			e.Root = a.Value
		case "h323":
			e.H323 = a.Value
		case "cn":
			e.CN = a.Value
		case "dn":
			e.DN = a.Value
		}
	}
	return nil
}

// eventChild reads an element directly inside <event>.
func eventChild(e *Event, t xml.StartElement) {
	switch t.Name.Local {
	case "to":
		if e.To == nil {
			p := party(t.Attr)
			e.To = &p
		}
	case "ep":
		if e.EP == nil {
			p := party(t.Attr)
			e.EP = &p
		}
	case "cf":
		e.CF = append(e.CF, party(t.Attr))
	case "ct":
		e.CT = append(e.CT, party(t.Attr))
	case "makecall":
		e.MakeCall = attr(t.Attr, "appl")
	}
}

func party(attrs []xml.Attr) Party {
	var p Party
	for _, a := range attrs {
		if a.Name.Space == "" {
			partyAttr(&p, a)
		}
	}
	return p
}

func partyAttr(p *Party, a xml.Attr) {
	switch a.Name.Local {
	case "e164":
		p.E164 = a.Value
	case "h323":
		p.H323 = a.Value
	case "cn":
		p.CN = a.Value
	case "dn":
		p.DN = a.Value
	case "root":
		p.Root = a.Value
	case "type":
		p.Type = a.Value
	}
}

func attr(attrs []xml.Attr, name string) string {
	for _, a := range attrs {
		if a.Name.Space == "" && a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// integer parses a decimal integer attribute of element elem.
func (d *Decoder) integer(elem string, a xml.Attr) (int64, error) {
	n, err := strconv.ParseInt(a.Value, 10, 64)
	if err != nil {
		return 0, d.errorf(ErrInvalid, "attribute %s=%s of <%s> is not an integer", a.Name.Local, strconv.Quote(clip(a.Value)), elem)
	}
	return n, nil
}

// errorf returns a *ParseError at the current position wrapping sentinel.
func (d *Decoder) errorf(sentinel error, format string, args ...any) error {
	return d.at(fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...)))
}

// fail turns an error of the XML decoder or of the input into a *ParseError.
func (d *Decoder) fail(err error) error {
	var syn *xml.SyntaxError
	switch {
	case errors.Is(err, ErrTooLarge):
		return d.at(err)
	case d.src.readErr != nil && errors.Is(err, d.src.readErr):
		return d.at(fmt.Errorf("reading input: %w", err))
	case errors.As(err, &syn):
		return d.at(fmt.Errorf("%w: %s", ErrMalformed, syn.Msg))
	default: // encoding/xml reports a bad declaration with plain errors
		return d.at(fmt.Errorf("%w: %v", ErrMalformed, err))
	}
}

func (d *Decoder) at(err error) error {
	line, col := d.xd.InputPos()
	col = max(col, 1) // encoding/xml's column can lag after it puts back a newline
	e := &ParseError{Line: line, Column: col, Offset: d.xd.InputOffset(), Err: err}
	if d.src.keep > 0 { // inside a <cdr>
		e.CDR = d.count
	}
	return e
}

// clip shortens an attacker-controlled string quoted in an error.
func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}

func isSpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// source feeds the XML decoder byte by byte from its own buffer, which holds
// every byte from offset base on, so that the exact text of a <cdr> element
// can be cut out by offset without copying byte by byte. It enforces the byte
// limits through a window: the fast path of ReadByte only checks pos < lim.
type source struct {
	r       io.Reader
	buf     []byte // bytes from offset base on; buf[pos:] not consumed yet
	pos     int
	lim     int   // ReadByte may hand out buf[pos:lim] without further checks
	base    int64 // offset of buf[0]
	drop    int64 // bytes before this offset are no longer needed
	max     int64 // limit on the whole input
	keep    int   // when > 0, a <cdr> started at keepFrom may hold at most keep bytes
	from    int64
	err     error // sticky error of r
	readErr error // the error of r that was not io.EOF
}

func (s *source) ReadByte() (byte, error) {
	if s.pos < s.lim {
		b := s.buf[s.pos]
		s.pos++
		return b, nil
	}
	return s.slow()
}

// slow refills the buffer or says which limit was reached.
func (s *source) slow() (byte, error) {
	if s.pos == len(s.buf) {
		if err := s.fill(); err != nil {
			return 0, err
		}
	}
	off := s.base + int64(s.pos)
	if off >= s.max {
		return 0, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, s.max)
	}
	if err := s.checkKeep(off); err != nil {
		return 0, err
	}
	s.window()
	b := s.buf[s.pos]
	s.pos++
	return b, nil
}

// checkKeep fails when the byte at offset off would make the current <cdr>
// longer than allowed.
func (s *source) checkKeep(off int64) error {
	if s.keep > 0 && off-s.from >= int64(s.keep) {
		return fmt.Errorf("%w: <cdr> element longer than %d bytes", ErrTooLarge, s.keep)
	}
	return nil
}

// window sets lim to the end of the buffered bytes within the limits.
func (s *source) window() {
	end := int64(len(s.buf))
	end = min(end, s.max-s.base)
	if s.keep > 0 {
		end = min(end, s.from+int64(s.keep)-s.base)
	}
	s.lim = int(max(end, int64(s.pos)))
}

// fill reads more input into the buffer, first dropping what is not needed.
func (s *source) fill() error {
	if s.err != nil {
		return s.err
	}
	if n := int(s.drop - s.base); n > 0 {
		s.buf = s.buf[:copy(s.buf, s.buf[n:])]
		s.pos -= n
		s.base = s.drop
	}
	if cap(s.buf)-len(s.buf) < 512 {
		s.buf = append(s.buf, make([]byte, 4096)...)[:len(s.buf)]
	}
	for {
		n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
		s.buf = s.buf[:len(s.buf)+n]
		if err != nil {
			s.err = err
			if err != io.EOF {
				s.readErr = err
			}
		}
		if n > 0 {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// Read is never called by encoding/xml, which prefers ReadByte; it exists so
// that source is an io.Reader.
func (s *source) Read(p []byte) (int, error) {
	for i := range p {
		b, err := s.ReadByte()
		if err != nil {
			return i, err
		}
		p[i] = b
	}
	return len(p), nil
}

// discard lets the bytes before offset off go.
func (s *source) discard(off int64) { s.drop = off }

// startKeep bounds the <cdr> element starting at offset from.
func (s *source) startKeep(from int64, keep int) error {
	s.from, s.keep = from, keep
	s.window()
	return s.checkKeep(s.base + int64(s.pos) - 1)
}

// stopKeep lifts the bound of the finished <cdr> element.
func (s *source) stopKeep() {
	s.keep = 0
	s.window()
}

// bytes returns the buffered bytes between offsets from and to.
func (s *source) bytes(from, to int64) []byte {
	return s.buf[from-s.base : to-s.base]
}
