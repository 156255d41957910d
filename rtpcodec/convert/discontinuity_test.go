package convert

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/f0fce437/callrec/pcapio"
	"github.com/f0fce437/callrec/rtpcodec/callgen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rewrite changes the RTP headers of the stream's packets from media time
// `from` on: seq and ts offsets, and a capture-time shift.
func rewrite(pk []pcapio.Packet, port uint16, from time.Time, dseq uint16, dts uint32, dt time.Duration) []pcapio.Packet {
	out := make([]pcapio.Packet, len(pk))
	for i, p := range pk {
		out[i] = p
		if p.Src.Port() != port || p.Time.Before(from) || len(p.Payload) < 12 || p.Payload[0]>>6 != 2 {
			continue
		}
		b := append([]byte(nil), p.Payload...)
		binary.BigEndian.PutUint16(b[2:], binary.BigEndian.Uint16(b[2:])+dseq)
		binary.BigEndian.PutUint32(b[4:], binary.BigEndian.Uint32(b[4:])+dts)
		out[i].Payload = b
		out[i].Time = p.Time.Add(dt)
	}
	return out
}

func TestDiscontinuities(t *testing.T) {
	c := oneStream(nil)
	r := generate(t, c)
	cut := callgen.Epoch.Add(1500 * ms) // between the first two bursts
	// The second burst starts 2000 ms into the media: where it lands once
	// its segment is anchored anew by capture time.
	reanchored := func(dt time.Duration) int64 {
		return r.Position(0, 2000*ms, 8000) + int64(dt/time.Second*8000)
	}
	tests := []struct {
		name     string
		dseq     uint16
		dts      uint32
		dt       time.Duration
		segments int
		second   int64 // expected sample of the second burst
	}{
		{"sequence jump of 2000", 2000, 0, 0, 2, r.Position(0, 2000*ms, 8000)},
		{"sequence jump of 900 is loss", 900, 0, 0, 1, r.Position(0, 2000*ms, 8000)},
		{"timestamp jump of 30 s not in capture times", 0, 30 * 8000, 0, 2, r.Position(0, 2000*ms, 8000)},
		{"timestamp jump of 30 s that capture times show", 0, 30 * 8000, 30 * time.Second, 1, reanchored(30 * time.Second)},
		{"timestamp jump back of 25 s", 0, -25 * 8000 & 0xFFFFFFFF, 0, 2, r.Position(0, 2000*ms, 8000)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pk := rewrite(r.Packets, callgen.InnovaphoneLocalPort, cut, tc.dseq, tc.dts, tc.dt)
			rec := convertPackets(t, pk, Options{})
			require.Len(t, rec.info.Streams, tc.segments)
			if tc.segments == 1 && tc.dseq > 0 {
				assert.Equal(t, int(tc.dseq), rec.info.Streams[0].Lost)
			}
			assertBurst(t, rec, r, c, 0, 0, 0, 3200)
			b := c.Streams[0].Bursts[1]
			ch := rec.channels[0]
			for j := range 400 {
				require.Equal(t, toneAt(b, j, 8000), ch[int(tc.second)+j], "second burst sample %d", j)
			}
		})
	}
}
