package convert

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/f0fce437/callrec/pcapio"
	"github.com/f0fce437/callrec/rtpcodec/callgen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hourCall is a one-hour two-way G.711 call, 20 ms packets (360,000 RTP
// packets), both sides talking all the time; generated once.
var hourCall = sync.OnceValues(func() (*callgen.Result, error) {
	return callgen.Generate(longCall(time.Hour))
})

func longCall(length time.Duration) callgen.Call {
	stream := func(local bool, start time.Duration) callgen.Stream {
		return callgen.Stream{Local: local, SSRC: 1, Start: start, Length: length, Delay: 5 * ms, Jitter: 8 * ms,
			Bursts: []callgen.Burst{{Start: 0, Length: length, Sound: callgen.Noise, Amp: 3000}}}
	}
	return callgen.Call{Signalling: callgen.Innovaphone, Seed: 1, Streams: []callgen.Stream{
		stream(true, 10*ms), stream(false, 13*ms),
	}}
}

// discardFile is an io.WriteSeeker that keeps nothing.
type discardFile struct{ n int64 }

func (d *discardFile) Write(p []byte) (int, error)            { d.n += int64(len(p)); return len(p), nil }
func (d *discardFile) Seek(int64, int) (int64, error)         { return 0, nil }
func (d *discardFile) ReadAt([]byte, int64) (int, error)      { return 0, io.EOF }
func (d *discardFile) WriteAt(p []byte, _ int64) (int, error) { return len(p), nil }

// BenchmarkConvertHour converts the one-hour call from packets in memory:
// both passes, jitter buffers, decoding, mixing and WAV encoding, without
// pcap parsing (measured by pcapio's own benchmark).
func BenchmarkConvertHour(b *testing.B) {
	r, err := hourCall()
	require.NoError(b, err)
	b.ReportAllocs()
	b.ReportMetric(float64(len(r.Packets)), "packets/op")
	for b.Loop() {
		var d discardFile
		open := func() (packetSource, error) { return &sliceSource{p: r.Packets}, nil }
		if _, err := run(context.Background(), open, func() {}, &d, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestNoAllocationPerPacket feeds packets of a running call one at a time
// and checks that the steady state allocates nothing.
func TestNoAllocationPerPacket(t *testing.T) {
	r, err := callgen.Generate(longCall(20 * time.Second))
	require.NoError(t, err)
	open := func() (packetSource, error) { return &sliceSource{p: r.Packets}, nil }
	src, _ := open()
	pl, err := scan(context.Background(), src, Options{}.registry(), func() {})
	require.NoError(t, err)
	tl := newTimeline(pl, Options{}.logger(), &discardWriter{}, false, Options{}.maxFrames(pl.rate))
	// Warm up: the first seconds create the segments and grow buffers.
	pk := r.Packets
	for i := range 500 {
		tl.packet(&pk[i])
		tl.count++
	}
	i := 500
	allocs := testing.AllocsPerRun(1000, func() {
		tl.packet(&pk[i])
		tl.count++
		i++
	})
	assert.Zero(t, allocs)
	require.NoError(t, tl.err)
}

type discardWriter struct{}

func (discardWriter) WriteSamples([]int16) error { return nil }

var _ = pcapio.UDP
