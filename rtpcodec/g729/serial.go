package g729

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The ITU serial bit-stream format of the G.729 test vectors (.BIT files):
// per 10 ms frame, little-endian 16-bit words
//
//	+------+------+--------+--------+-----+----------+
//	| SYNC | SIZE | bit[0] | bit[1] | ... | bit[N-1] |
//	+------+------+--------+--------+-----+----------+
//
// SYNC is 0x6B21 (0x6B20 marks an erased frame where SIZE is 0), SIZE is
// the number of bit words: 80 speech, 15 or 16 SID (Annex B; 16 in octet
// mode, the last bit padding), 0 untransmitted. A bit word is 0x007F for 0
// and 0x0081 for 1; a frame holding a 0x0000 bit word is erased.

const (
	serialSync       = 0x6B21
	serialSyncErased = 0x6B20
	serialBit0       = 0x007F
	serialBit1       = 0x0081
)

// ErrSerialFormat reports a malformed serial bit stream.
var ErrSerialFormat = errors.New("g729: malformed ITU serial bit stream")

// SerialReader reads frames from an ITU serial bit stream. It reads r
// incrementally and is not safe for concurrent use.
type SerialReader struct {
	r     io.Reader
	buf   [2 * 82]byte
	frame int
}

// NewSerialReader returns a reader of the serial bit stream r.
func NewSerialReader(r io.Reader) *SerialReader { return &SerialReader{r: r} }

// Next reads the next frame into f. It returns io.EOF after the last frame
// and an error wrapping ErrSerialFormat (or io.ErrUnexpectedEOF) when the
// stream is malformed.
func (s *SerialReader) Next(f *Frame) error {
	hdr := s.buf[:4]
	if _, err := io.ReadFull(s.r, hdr); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("g729: serial frame %d: truncated header: %w", s.frame, err)
		}
		return err
	}
	sync := binary.LittleEndian.Uint16(hdr)
	size := int(binary.LittleEndian.Uint16(hdr[2:]))
	if sync != serialSync && sync != serialSyncErased {
		return fmt.Errorf("%w: frame %d: sync word %#04x", ErrSerialFormat, s.frame, sync)
	}
	switch size {
	case 0, 15, 16, 80:
	default:
		return fmt.Errorf("%w: frame %d: size %d", ErrSerialFormat, s.frame, size)
	}
	words := s.buf[4 : 4+2*size]
	if _, err := io.ReadFull(s.r, words); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("g729: serial frame %d: truncated: %w", s.frame, err)
	}
	s.frame++

	*f = Frame{}
	switch size {
	case 0:
		f.Type = FrameUntransmitted
		if sync != serialSync {
			f.Type = FrameErased
		}
		return nil
	case 80:
		f.Type = FrameSpeech
	default:
		f.Type = FrameSID
	}
	for i := range size {
		switch binary.LittleEndian.Uint16(words[2*i:]) {
		case serialBit1:
			f.Bits[i>>3] |= 0x80 >> (i & 7)
		case serialBit0:
		case 0:
			f.Type = FrameErased
		default:
			return fmt.Errorf("%w: frame %d: bit word %#04x", ErrSerialFormat, s.frame-1, binary.LittleEndian.Uint16(words[2*i:]))
		}
	}
	if f.Type == FrameErased {
		f.Bits = [SpeechFrameSize]byte{}
	}
	return nil
}
