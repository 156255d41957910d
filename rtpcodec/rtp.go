package rtpcodec

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/pion/rtp"
)

// Payload types with a meaning of their own in the pipeline (RFC 3551).
const (
	PayloadTypeCN = 13 // comfort noise, RFC 3389
)

// ErrNotRTP is returned, wrapped with the reason, by Parse for bytes that
// are not an RTP packet.
var ErrNotRTP = errors.New("rtpcodec: not an RTP packet")

// HeaderLooksValid reports whether b can be an RTP packet by its first
// bytes alone: version 2, room for the header and its CSRC list, and a
// payload type that is neither RTCP (RTCP packet types 200–204 read as
// payload types 72–76 with the marker bit) nor in the range 64–95 that
// RFC 5761 keeps free so that RTP and RTCP can share a port.
func HeaderLooksValid(b []byte) bool {
	if len(b) < 12 || b[0]>>6 != 2 {
		return false
	}
	if 12+4*int(b[0]&0x0F) > len(b) {
		return false
	}
	pt := b[1] & 0x7F
	return pt < 64 || pt > 95
}

// Parse unmarshals b into p, reusing p's storage: p.Payload (and the
// extension payloads) alias b, so p is valid only as long as b is. It
// allocates nothing once p's CSRC and extension slices have grown to the
// stream's needs. It fails with an error wrapping ErrNotRTP when b is not a
// valid RTP packet, including when HeaderLooksValid says no.
//
// A header extension is accepted as RFC 3550 defines it (a profile word, a
// length, that many words): when its content is not a valid list of
// RFC 8285 elements, as with encrypted (RFC 6904) or vendor extensions,
// p.Extensions is left empty instead of the packet being refused.
func Parse(p *rtp.Packet, b []byte) error {
	if !HeaderLooksValid(b) {
		return fmt.Errorf("%w: bad version, length or payload type", ErrNotRTP)
	}
	err := p.Unmarshal(b)
	if err == nil {
		return nil
	}
	if !p.Extension {
		return fmt.Errorf("%w: %w", ErrNotRTP, err)
	}
	// pion has filled the fixed header and the CSRC list before it looked
	// into the extension's elements: skip the extension whole.
	n := 12 + 4*len(p.CSRC)
	if len(b) < n+4 {
		return fmt.Errorf("%w: header extension cut off", ErrNotRTP)
	}
	n += 4 + 4*int(binary.BigEndian.Uint16(b[n+2:]))
	end, padding := len(b), byte(0)
	if p.Padding {
		if end <= n || b[end-1] == 0 {
			return fmt.Errorf("%w: bad padding", ErrNotRTP)
		}
		padding = b[end-1]
		end -= int(padding)
	}
	if end < n {
		return fmt.Errorf("%w: header extension longer than the packet", ErrNotRTP)
	}
	p.Header.PaddingSize, p.PaddingSize = padding, padding // pion fills both fields
	p.Extensions = p.Extensions[:0]
	p.Payload = b[n:end]
	return nil
}
