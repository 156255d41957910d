package rtpcodec

import (
	"encoding/binary"
	"errors"
)

// ErrEventPayload is returned for a telephone-event payload shorter than
// 4 bytes.
var ErrEventPayload = errors.New("rtpcodec: telephone-event payload shorter than 4 bytes")

// Event is one RFC 4733 telephone-event payload:
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|     event     |E|R| volume    |          duration             |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The event starts at the packet's RTP timestamp; every packet of one event
// repeats that timestamp with a growing duration, and the last ones set E.
type Event struct {
	Code     uint8  // 0–9 digits, 10 '*', 11 '#', 12–15 'A'–'D', 16 flash
	End      bool   // E bit: the event has ended
	Volume   uint8  // in -dBm0, 0–63
	Duration uint16 // in RTP clock ticks since the event's timestamp
}

// ParseEvent reads the first event block of a telephone-event payload
// (later blocks are RFC 2198 redundancy and are ignored).
func ParseEvent(payload []byte) (Event, error) {
	if len(payload) < 4 {
		return Event{}, ErrEventPayload
	}
	return Event{
		Code:     payload[0],
		End:      payload[1]&0x80 != 0,
		Volume:   payload[1] & 0x3F,
		Duration: binary.BigEndian.Uint16(payload[2:]),
	}, nil
}

// Digit returns the DTMF symbol of a DTMF event code ("0"–"9", "*", "#",
// "A"–"D"), "!" for flash (16), and "?" for other events.
func (e Event) Digit() string {
	const digits = "0123456789*#ABCD!"
	if int(e.Code) < len(digits) {
		return digits[e.Code : e.Code+1]
	}
	return "?"
}
