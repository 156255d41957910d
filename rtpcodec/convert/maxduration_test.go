package convert

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/f0fce437/callrec/pcapio"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withLatePacket returns the packets of a one-stream call followed by 400
// more audio packets of the stream (8 s), the first captured `after` later
// than the call's last one (a new segment anchored by capture time), so
// that the timeline writes out up to them while they come.
func withLatePacket(t *testing.T, after time.Duration) (call, late []pcapio.Packet) {
	t.Helper()
	r := generate(t, oneStream(nil))
	last := r.Packets[len(r.Packets)-1]
	late = append([]pcapio.Packet(nil), r.Packets...)
	for i := range 400 {
		p := last
		p.Payload = append([]byte(nil), last.Payload...)
		binary.BigEndian.PutUint16(p.Payload[2:], binary.BigEndian.Uint16(p.Payload[2:])+uint16(1+i))
		binary.BigEndian.PutUint32(p.Payload[4:], binary.BigEndian.Uint32(p.Payload[4:])+uint32(160*i))
		p.Time = last.Time.Add(after + time.Duration(i)*20*time.Millisecond)
		late = append(late, p)
	}
	return r.Packets, late
}

func TestMaxDuration(t *testing.T) {
	call, late := withLatePacket(t, 3*time.Minute)
	_, alone := convertBytes(t, call, Options{})

	t.Run("audio beyond the limit is left out, the rest is untouched", func(t *testing.T) {
		info, got := convertBytes(t, late, Options{MaxDuration: time.Minute})
		assert.Equal(t, alone, got, "the recording must be the call alone, not stretched towards the late packet")
		require.NotEmpty(t, info.Warnings)
		assert.Contains(t, info.Warnings[len(info.Warnings)-1], "64000 samples lie more than 1m0s after the start of the recording and were left out")
		assert.Less(t, info.Duration, 5*time.Second)
	})
	t.Run("audio within the limit keeps its place", func(t *testing.T) {
		info, got := convertBytes(t, late, Options{MaxDuration: 4 * time.Minute})
		rec := parseWAV(t, info, got)
		end := len(rec.channels[0])
		// The late packets' 8 s end the recording, starting 3 min after the
		// call's last packet.
		assert.Equal(t, len(parseWAV(t, nil, alone).channels[0])+3*60*8000+399*160, end)
		assert.NotZero(t, rec.channels[0][end-80], "the late packet's audio")
		for _, w := range info.Warnings {
			assert.NotContains(t, w, "left out")
		}
	})
	t.Run("a negative limit is none", func(t *testing.T) {
		info, got := convertBytes(t, late, Options{MaxDuration: -1})
		rec := parseWAV(t, info, got)
		assert.Greater(t, len(rec.channels[0]), 3*60*8000)
	})
	t.Run("the default is a day", func(t *testing.T) {
		assert.Equal(t, int64(24*3600*16000), Options{}.maxFrames(16000))
		assert.Equal(t, int64(90*8000), Options{MaxDuration: 90 * time.Second}.maxFrames(8000))
	})
	t.Run("long limits do not overflow", func(t *testing.T) {
		assert.Equal(t, int64(200*3600*16000), Options{MaxDuration: 200 * time.Hour}.maxFrames(16000))
		assert.Equal(t, int64(8004), Options{MaxDuration: time.Second + 500*time.Microsecond}.maxFrames(8000))
	})
}

// TestInfoStart: Info.Start is the capture time of the earliest audio
// packet, not of the dummy SIP exchange before it.
func TestInfoStart(t *testing.T) {
	r := generate(t, oneStream(nil))
	var firstAudio time.Time
	for _, p := range r.Packets {
		if p.Src.Port() == 16386 && len(p.Payload) >= 12 && p.Payload[0]>>6 == 2 {
			firstAudio = p.Time
			break
		}
	}
	require.False(t, firstAudio.IsZero())
	require.True(t, r.Packets[0].Time.Before(firstAudio), "the fixture's SIP precedes its RTP")
	info, _ := convertBytes(t, r.Packets, Options{})
	assert.Equal(t, firstAudio.UTC(), info.Start)
	assert.Equal(t, time.UTC, info.Start.Location())
}
