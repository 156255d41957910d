package sip

import (
	"bytes"
	"errors"
	"strconv"
)

// ErrNotSIP is returned by Parse for data that does not start with a SIP
// request or status line.
var ErrNotSIP = errors.New("sip: not a SIP message")

// Message is one parsed SIP message. Its byte slices alias the input.
type Message struct {
	// Method is the request method ("INVITE"), or "" for a response.
	Method string
	// StatusCode is the response status (200), or 0 for a request.
	StatusCode int
	// CallID is the Call-ID header.
	CallID string
	// CSeqMethod is the method of the CSeq header (what a response answers).
	CSeqMethod string
	// FromTag is the tag parameter of the From header: the tag of the party
	// that sent the request (a response copies its request's From).
	FromTag string
	// ContentType is the media type of the body, lower case, without
	// parameters ("application/sdp").
	ContentType string
	// Body is the message body; shorter than Content-Length when the
	// message was cut off.
	Body []byte
}

// IsRequest reports whether m is a request.
func (m Message) IsRequest() bool { return m.Method != "" }

// LooksLikeSIP reports whether data starts like a SIP message, cheaply: a
// request line ending in SIP/2.0 or a status line.
func LooksLikeSIP(data []byte) bool {
	line := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		line = data[:i]
	}
	line = bytes.TrimRight(line, "\r")
	return bytes.HasPrefix(line, []byte("SIP/2.0 ")) || bytes.HasSuffix(line, []byte(" SIP/2.0"))
}

// Parse parses the message at the start of data and returns it with the
// bytes that follow it (the next message of a TCP segment, or nothing).
func Parse(data []byte) (Message, []byte, error) {
	var m Message
	if !LooksLikeSIP(data) {
		return m, nil, ErrNotSIP
	}
	line, rest := cutLine(data)
	if bytes.HasPrefix(line, []byte("SIP/2.0 ")) {
		code := line[len("SIP/2.0 "):]
		if i := bytes.IndexByte(code, ' '); i >= 0 {
			code = code[:i]
		}
		n, err := strconv.Atoi(string(code))
		if err != nil || n < 100 || n > 699 {
			return m, nil, ErrNotSIP
		}
		m.StatusCode = n
	} else {
		i := bytes.IndexByte(line, ' ')
		if i <= 0 {
			return m, nil, ErrNotSIP
		}
		m.Method = string(line[:i])
	}
	contentLength := -1
	for len(rest) > 0 {
		line, rest = cutLine(rest)
		if len(line) == 0 {
			break // end of headers
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		value = bytes.TrimSpace(value)
		switch string(bytes.ToLower(bytes.TrimSpace(name))) {
		case "call-id", "i":
			m.CallID = string(value)
		case "from", "f":
			m.FromTag = fromTag(value)
		case "cseq":
			if f := bytes.Fields(value); len(f) == 2 {
				m.CSeqMethod = string(f[1])
			}
		case "content-type", "c":
			ct, _, _ := bytes.Cut(value, []byte(";"))
			m.ContentType = string(bytes.ToLower(bytes.TrimSpace(ct)))
		case "content-length", "l":
			if n, err := strconv.Atoi(string(value)); err == nil && n >= 0 {
				contentLength = n
			}
		}
	}
	if contentLength < 0 || contentLength > len(rest) {
		// Unknown (UDP may omit it) or cut off: take what is there.
		m.Body = rest
		return m, nil, nil
	}
	m.Body = rest[:contentLength]
	return m, rest[contentLength:], nil
}

func cutLine(b []byte) (line, rest []byte) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return bytes.TrimRight(b, "\r"), nil
	}
	return bytes.TrimRight(b[:i], "\r"), b[i+1:]
}

// fromTag returns the tag parameter of a From header value
// ("Alice <sip:a@x;transport=udp>;tag=1928301774"), or "". Parameters inside
// the angle brackets belong to the URI; without brackets, every parameter
// is the header's (RFC 3261 section 20).
func fromTag(value []byte) string {
	if i := bytes.LastIndexByte(value, '>'); i >= 0 {
		value = value[i+1:]
	}
	for _, p := range bytes.Split(value, []byte(";"))[1:] {
		name, v, _ := bytes.Cut(p, []byte("="))
		if bytes.EqualFold(bytes.TrimSpace(name), []byte("tag")) {
			return string(bytes.TrimSpace(v))
		}
	}
	return ""
}
