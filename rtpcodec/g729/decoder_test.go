package g729_test

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"testing"

	"github.com/f0fce437/callrec/internal/corpus"
	"github.com/f0fce437/callrec/rtpcodec"
	"github.com/f0fce437/callrec/rtpcodec/g729"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The decoder plugs into the pipeline without rtpcodec importing it here.
var (
	_ rtpcodec.Decoder       = (*g729.Decoder)(nil)
	_ rtpcodec.ComfortNoiser = (*g729.Decoder)(nil)
)

func newDecoder(tb testing.TB) *g729.Decoder {
	tb.Helper()
	return newVariant(tb, g729.MainBody)
}

func newVariant(tb testing.TB, v g729.Variant) *g729.Decoder {
	tb.Helper()
	d, err := g729.NewDecoder(g729.Config{Variant: v})
	require.NoError(tb, err)
	return d
}

// variants lists every decoder variant, for tests that hold for all.
var variants = []g729.Variant{g729.MainBody, g729.AnnexA}

// serialFrames reads every frame of a corpus bit stream.
func serialFrames(tb testing.TB, elem ...string) []g729.Frame {
	tb.Helper()
	r := g729.NewSerialReader(bytes.NewReader(corpus.ReadFile(tb, elem...)))
	var fs []g729.Frame
	for {
		var f g729.Frame
		err := r.Next(&f)
		if errors.Is(err, io.EOF) {
			return fs
		}
		require.NoError(tb, err)
		fs = append(fs, f)
	}
}

// rtpPayloads turns frames into RTP payloads the way a sender packs them:
// up to perPacket speech frames, a SID frame ending a packet, untransmitted
// and erased frames reported separately as timeline events.
type event struct {
	payload []byte
	dtx     int // untransmitted frames before the payload
	lost    int // erased frames before the payload
}

func packetize(fs []g729.Frame, perPacket int) []event {
	var evs []event
	var cur event
	flush := func() {
		if len(cur.payload) > 0 || cur.dtx > 0 || cur.lost > 0 {
			evs = append(evs, cur)
		}
		cur = event{}
	}
	for _, f := range fs {
		switch f.Type {
		case g729.FrameSpeech:
			if cur.payload != nil && len(cur.payload) >= perPacket*g729.SpeechFrameSize {
				flush()
			}
			cur.payload = append(cur.payload, f.Bits[:]...)
		case g729.FrameSID:
			cur.payload = append(cur.payload, f.Bits[:g729.SIDFrameSize]...)
			flush()
		case g729.FrameUntransmitted:
			if len(cur.payload) > 0 {
				flush()
			}
			cur.dtx++
		case g729.FrameErased:
			if len(cur.payload) > 0 {
				flush()
			}
			if cur.dtx > 0 {
				flush()
			}
			cur.lost++
		}
	}
	flush()
	return evs
}

// TestRTPMatchesSerial decodes the Annex B vectors through the RTP-facing
// methods (Decode with multi-frame payloads ending in SID frames,
// Untransmitted for DTX gaps, Conceal for losses) and requires the same
// output as the frame-level path, hence as the ITU reference.
func TestRTPMatchesSerial(t *testing.T) {
	tests := []struct {
		variant  g729.Variant
		bit, out string
	}{
		{g729.MainBody, "tstseq1.bit", "tstseq1.out"},
		{g729.MainBody, "tstseq3.bit", "tstseq3.out"},
		{g729.MainBody, "tstseq6.bit", "tstseq6.out"},
		{g729.AnnexA, "tstseq1a.bit", "tstseq1a.out"},
		{g729.AnnexA, "tstseq3a.bit", "tstseq3a.out"},
		{g729.AnnexA, "tstseq6.bit", "tstseq6a.out"},
	}
	for _, tt := range tests {
		t.Run(tt.variant.String()+"/"+tt.bit, func(t *testing.T) {
			path := g729Path("itu-release2", "g729AnnexB", tt.bit)
			want := pcm(corpus.ReadFile(t, g729Path("itu-release2", "g729AnnexB", tt.out)...))
			d := newVariant(t, tt.variant)
			var got []int16
			for _, ev := range packetize(serialFrames(t, path...), 3) {
				got = d.Conceal(got, ev.lost*g729.FrameSamples)
				got = d.Untransmitted(got, ev.dtx*g729.FrameSamples)
				var err error
				got, err = d.Decode(got, ev.payload)
				require.NoError(t, err)
			}
			requireBitExact(t, got, want)
		})
	}
}

func TestDecodePayloadSizes(t *testing.T) {
	tests := []struct {
		name    string
		size    int
		samples int
		err     bool
	}{
		{"empty", 0, 0, false},
		{"SID only", 2, 80, false},
		{"one frame", 10, 80, false},
		{"two frames and SID", 22, 240, false},
		{"six frames", 60, 480, false},
		{"odd byte", 1, 0, true},
		{"frame and stray byte", 11, 80, true},
		{"frame and partial frame", 15, 80, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDecoder(t)
			got, err := d.Decode(nil, make([]byte, tt.size))
			if tt.err {
				require.ErrorIs(t, err, g729.ErrPayloadSize)
			} else {
				require.NoError(t, err)
			}
			assert.Len(t, got, tt.samples)
		})
	}
}

func TestConcealAndUntransmittedLengths(t *testing.T) {
	for _, n := range []int{0, 1, 79, 80, 81, 160, 333} {
		d := newDecoder(t)
		dst := []int16{7}
		assert.Len(t, d.Conceal(dst, n), 1+n, "Conceal(%d)", n)
		assert.Len(t, d.Untransmitted(dst, n), 1+n, "Untransmitted(%d)", n)
	}
}

func TestNewDecoderRejectsUnknownVariant(t *testing.T) {
	_, err := g729.NewDecoder(g729.Config{Variant: 200})
	require.Error(t, err)
}

func TestParseVariant(t *testing.T) {
	for _, v := range variants {
		got, err := g729.ParseVariant(v.String())
		require.NoError(t, err)
		assert.Equal(t, v, got)
	}
	assert.Equal(t, g729.MainBody, g729.Config{}.Variant, "the main body is the default")
	for _, bad := range []string{"", "A", "annex-a", "g729a", "Variant(2)"} {
		_, err := g729.ParseVariant(bad)
		assert.Error(t, err, "%q", bad)
	}
}

func TestVariantText(t *testing.T) {
	for _, v := range variants {
		b, err := v.MarshalText()
		require.NoError(t, err)
		var got g729.Variant
		require.NoError(t, got.UnmarshalText(b))
		assert.Equal(t, v, got)
	}
	_, err := g729.Variant(9).MarshalText()
	require.Error(t, err)
	v := g729.AnnexA
	require.Error(t, v.UnmarshalText([]byte("annexb")))
	assert.Equal(t, g729.AnnexA, v, "a failed UnmarshalText leaves the variant")

	// As a command-line flag.
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.TextVar(&v, "g729", g729.MainBody, "decoder")
	assert.Equal(t, g729.MainBody, v, "the default")
	require.NoError(t, fs.Parse([]string{"-g729", "annexa"}))
	assert.Equal(t, g729.AnnexA, v)
	require.Error(t, fs.Parse([]string{"-g729", "bogus"}))
}

func TestSerialReaderErrors(t *testing.T) {
	frame := func(sync, size uint16, words ...uint16) []byte {
		b := []byte{byte(sync), byte(sync >> 8), byte(size), byte(size >> 8)}
		for _, w := range words {
			b = append(b, byte(w), byte(w>>8))
		}
		return b
	}
	bits := func(n int, w uint16) []uint16 {
		s := make([]uint16, n)
		for i := range s {
			s[i] = w
		}
		return s
	}
	tests := []struct {
		name string
		in   []byte
		want g729.FrameType
		err  error
	}{
		{"speech", frame(0x6B21, 80, bits(80, 0x81)...), g729.FrameSpeech, nil},
		{"SID octet mode", frame(0x6B21, 16, bits(16, 0x7F)...), g729.FrameSID, nil},
		{"untransmitted", frame(0x6B21, 0), g729.FrameUntransmitted, nil},
		{"erased untransmitted", frame(0x6B20, 0), g729.FrameErased, nil},
		{"zero bit word erases", frame(0x6B21, 80, append(bits(79, 0x81), 0)...), g729.FrameErased, nil},
		{"bad sync", frame(0x1234, 0), 0, g729.ErrSerialFormat},
		{"bad size", frame(0x6B21, 79, bits(79, 0x81)...), 0, g729.ErrSerialFormat},
		{"bad bit word", frame(0x6B21, 80, append(bits(79, 0x81), 5)...), 0, g729.ErrSerialFormat},
		{"truncated", frame(0x6B21, 80, bits(10, 0x81)...), 0, io.ErrUnexpectedEOF},
		{"truncated header", []byte{0x21}, 0, io.ErrUnexpectedEOF},
		{"empty", nil, 0, io.EOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f g729.Frame
			err := g729.NewSerialReader(bytes.NewReader(tt.in)).Next(&f)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, f.Type)
		})
	}
}

func TestNoAllocations(t *testing.T) {
	fs := serialFrames(t, "vectors", "g729", "itu-release2", "g729", "SPEECH.BIT")
	payload := make([]byte, 0, 3*g729.SpeechFrameSize)
	for _, f := range fs[:3] {
		payload = append(payload, f.Bits[:]...)
	}
	for _, v := range variants {
		t.Run(v.String(), func(t *testing.T) {
			d := newVariant(t, v)
			dst := make([]int16, 0, 6*g729.FrameSamples)
			i := 0
			allocs := testing.AllocsPerRun(200, func() {
				dst = d.DecodeFrame(dst[:0], &fs[i%len(fs)])
				dst, _ = d.Decode(dst[:0], payload)
				dst = d.Conceal(dst[:0], 80)
				dst = d.Untransmitted(dst[:0], 80)
				i++
			})
			assert.Zero(t, allocs)
		})
	}
}

func TestResetRestartsStream(t *testing.T) {
	fs := serialFrames(t, "vectors", "g729", "itu-release2", "g729", "ALGTHM.BIT")
	for _, v := range variants {
		t.Run(v.String(), func(t *testing.T) {
			d := newVariant(t, v)
			var first, second []int16
			for i := range fs {
				first = d.DecodeFrame(first, &fs[i])
			}
			d.Reset()
			for i := range fs {
				second = d.DecodeFrame(second, &fs[i])
			}
			require.Equal(t, first, second)
		})
	}
}

// BenchmarkDecode decodes SPEECH.BIT repeatedly with each variant; ns/op is
// per frame, so one hour of speech (360,000 frames) takes 360,000 × ns/op.
func BenchmarkDecode(b *testing.B) {
	fs := serialFrames(b, "vectors", "g729", "itu-release2", "g729", "SPEECH.BIT")
	for _, v := range variants {
		b.Run(v.String(), func(b *testing.B) {
			d := newVariant(b, v)
			dst := make([]int16, 0, g729.FrameSamples)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				dst = d.DecodeFrame(dst[:0], &fs[i%len(fs)])
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)*360000/1e9, "s/hour")
		})
	}
}

// BenchmarkDecodeRawFile decodes the raw 10-byte frames of the file named by
// G729_BENCH_RAW once per iteration with each variant, as bench/g729.sh runs
// it beside the peers on the same frames.
func BenchmarkDecodeRawFile(b *testing.B) {
	name := os.Getenv("G729_BENCH_RAW")
	if name == "" {
		b.Skip("G729_BENCH_RAW not set (bench/g729.sh sets it)")
	}
	raw, err := os.ReadFile(name)
	require.NoError(b, err)
	for _, v := range variants {
		b.Run(v.String(), func(b *testing.B) {
			dst := make([]int16, 0, g729.FrameSamples)
			d := newVariant(b, v)
			b.ReportAllocs()
			for b.Loop() {
				d.Reset()
				for p := raw; len(p) >= g729.SpeechFrameSize; p = p[g729.SpeechFrameSize:] {
					dst, _ = d.Decode(dst[:0], p[:g729.SpeechFrameSize])
				}
			}
			b.ReportMetric(float64(len(raw)/g729.SpeechFrameSize), "frames/op")
		})
	}
}
