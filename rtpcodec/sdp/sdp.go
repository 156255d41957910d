package sdp

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// ErrNotSDP is returned for a body that has no SDP version line or no media
// description.
var ErrNotSDP = errors.New("sdp: not a session description")

// Session is a parsed session description.
type Session struct {
	// Addr is the session-level connection address (invalid if absent).
	Addr netip.Addr
	// Media are the media descriptions in order.
	Media []Media
}

// Media is one m= description.
type Media struct {
	// Kind is the media type: "audio", "video", "image"...
	Kind string
	// Addr is where the party receives this media: the media-level c=
	// address or else the session's, with the m= port. It is invalid when
	// neither c= line holds an address.
	Addr netip.AddrPort
	// Proto is the transport ("RTP/AVP", "RTP/SAVP", "udptl"...).
	Proto string
	// Formats are the payload types of the m= line in order, with what the
	// rtpmap and fmtp attributes say about them.
	Formats []Format
}

// Format describes one payload type.
type Format struct {
	PayloadType uint8
	// Name is the rtpmap encoding name in upper case ("PCMA",
	// "TELEPHONE-EVENT"), or "" when there is no rtpmap (static types).
	Name string
	// ClockRate and Channels come from the rtpmap (0 when absent; Channels
	// 0 means the default of 1).
	ClockRate int
	Channels  int
	// Fmtp holds the format parameters ("annexb=no"), or "".
	Fmtp string
}

// Format returns the description of payload type pt in m, if listed.
func (m Media) Format(pt uint8) (Format, bool) {
	for _, f := range m.Formats {
		if f.PayloadType == pt {
			return f, true
		}
	}
	return Format{}, false
}

// Parse parses an SDP body. It fails only when the body is not SDP at all.
func Parse(body []byte) (Session, error) {
	var s Session
	sawVersion := false
	var cur *Media
	var curAddr netip.Addr
	var curPort uint16
	finish := func() {
		if cur == nil {
			return
		}
		a := curAddr
		if !a.IsValid() {
			a = s.Addr
		}
		if a.IsValid() {
			cur.Addr = netip.AddrPortFrom(a, curPort)
		}
	}
	for len(body) > 0 {
		var line []byte
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			line, body = body, nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) < 2 || line[1] != '=' {
			continue
		}
		val := string(line[2:])
		switch line[0] {
		case 'v':
			sawVersion = true
		case 'c':
			if a, ok := parseConnection(val); ok {
				if cur == nil {
					s.Addr = a
				} else {
					curAddr = a
				}
			}
		case 'm':
			finish()
			m, port, ok := parseMedia(val)
			if !ok {
				cur = nil
				continue
			}
			s.Media = append(s.Media, m)
			cur = &s.Media[len(s.Media)-1]
			curAddr, curPort = netip.Addr{}, port
		case 'a':
			if cur != nil {
				parseAttribute(cur, val)
			}
		}
	}
	finish()
	if !sawVersion || len(s.Media) == 0 {
		return Session{}, ErrNotSDP
	}
	return s, nil
}

// parseConnection reads "IN IP4 192.0.2.1[/ttl[/n]]".
func parseConnection(v string) (netip.Addr, bool) {
	f := strings.Fields(v)
	if len(f) < 3 || f[0] != "IN" {
		return netip.Addr{}, false
	}
	host, _, _ := strings.Cut(f[2], "/")
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// parseMedia reads "audio 49170[/2] RTP/AVP 0 8 101".
func parseMedia(v string) (Media, uint16, bool) {
	f := strings.Fields(v)
	if len(f) < 3 {
		return Media{}, 0, false
	}
	portStr, _, _ := strings.Cut(f[1], "/")
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return Media{}, 0, false
	}
	m := Media{Kind: f[0], Proto: f[2]}
	for _, pt := range f[3:] {
		n, err := strconv.ParseUint(pt, 10, 7)
		if err != nil {
			continue // not an RTP payload type (e.g. "t38")
		}
		m.Formats = append(m.Formats, Format{PayloadType: uint8(n)})
	}
	return m, uint16(port), true
}

// parseAttribute handles "rtpmap:96 opus/48000/2" and "fmtp:18 annexb=no".
func parseAttribute(m *Media, v string) {
	name, rest, ok := strings.Cut(v, ":")
	if !ok || (name != "rtpmap" && name != "fmtp") {
		return
	}
	ptStr, params, _ := strings.Cut(strings.TrimSpace(rest), " ")
	n, err := strconv.ParseUint(ptStr, 10, 7)
	if err != nil {
		return
	}
	f := m.format(uint8(n))
	params = strings.TrimSpace(params)
	if name == "fmtp" {
		f.Fmtp = params
		return
	}
	parts := strings.Split(params, "/")
	f.Name = strings.ToUpper(parts[0])
	if len(parts) > 1 {
		f.ClockRate, _ = strconv.Atoi(parts[1])
	}
	if len(parts) > 2 {
		f.Channels, _ = strconv.Atoi(parts[2])
	}
}

// format returns the entry for pt, adding one when an attribute names a
// payload type the m= line did not list.
func (m *Media) format(pt uint8) *Format {
	for i := range m.Formats {
		if m.Formats[i].PayloadType == pt {
			return &m.Formats[i]
		}
	}
	m.Formats = append(m.Formats, Format{PayloadType: pt})
	return &m.Formats[len(m.Formats)-1]
}

func (f Format) String() string {
	if f.Name == "" {
		return strconv.Itoa(int(f.PayloadType))
	}
	return fmt.Sprintf("%d %s/%d", f.PayloadType, f.Name, f.ClockRate)
}
