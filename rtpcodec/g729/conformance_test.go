package g729_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/f0fce437/callrec/internal/corpus"
	"github.com/f0fce437/callrec/rtpcodec/g729"
	"github.com/stretchr/testify/require"
)

// vector is one ITU (or derived) bit stream with the reference decoder's
// output.
type vector struct {
	name      string
	bit, want []string // corpus paths
}

func ituVectors() []vector {
	var vs []vector
	for _, n := range []string{"ALGTHM", "ERASURE", "FIXED", "LSP", "OVERFLOW", "PARITY", "PITCH", "SPEECH", "TAME"} {
		vs = append(vs, vector{
			name: "g729/" + n,
			bit:  []string{"vectors", "g729", "itu-release2", "g729", n + ".BIT"},
			want: []string{"vectors", "g729", "itu-release2", "g729", n + ".PST"},
		})
	}
	for _, n := range []string{"tstseq1", "tstseq2", "tstseq3", "tstseq4", "tstseq5", "tstseq6"} {
		vs = append(vs, vector{
			name: "g729AnnexB/" + n,
			bit:  []string{"vectors", "g729", "itu-release2", "g729AnnexB", n + ".bit"},
			want: []string{"vectors", "g729", "itu-release2", "g729AnnexB", n + ".out"},
		})
	}
	vs = append(vs,
		vector{
			name: "derived/sip-rtp-g729a_ssrc044559a1",
			bit:  []string{"vectors", "g729", "derived", "sip-rtp-g729a_ssrc044559a1.bit"},
			want: []string{"vectors", "g729", "derived", "sip-rtp-g729a_ssrc044559a1.itu-g729-ref.out"},
		},
		vector{
			name: "derived/g729b-synthetic",
			bit:  []string{"vectors", "g729", "derived", "g729b-synthetic.bit"},
			want: []string{"vectors", "g729", "derived", "g729b-synthetic.itu-g729b-ref.out"},
		},
	)
	return vs
}

// decodeSerial decodes a whole serial bit stream.
func decodeSerial(tb testing.TB, d *g729.Decoder, bits []byte) []int16 {
	tb.Helper()
	r := g729.NewSerialReader(bytes.NewReader(bits))
	var out []int16
	var f g729.Frame
	for {
		err := r.Next(&f)
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(tb, err)
		out = d.DecodeFrame(out, &f)
	}
}

func pcm(b []byte) []int16 {
	s := make([]int16, len(b)/2)
	for i := range s {
		s[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return s
}

// requireBitExact fails with the first mismatching sample.
func requireBitExact(t *testing.T, got, want []int16) {
	t.Helper()
	n := min(len(got), len(want))
	for i := range n {
		if got[i] != want[i] {
			t.Fatalf("first mismatch at sample %d (frame %d): got %d, want %d", i, i/g729.FrameSamples, got[i], want[i])
		}
	}
	require.Equal(t, len(want), len(got), "sample count")
}

func TestConformance(t *testing.T) {
	for _, v := range ituVectors() {
		t.Run(v.name, func(t *testing.T) {
			bits := corpus.ReadFile(t, v.bit...)
			want := pcm(corpus.ReadFile(t, v.want...))
			d, err := g729.NewDecoder(g729.Config{})
			require.NoError(t, err)
			requireBitExact(t, decodeSerial(t, d, bits), want)
		})
	}
}
