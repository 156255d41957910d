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
// output for a variant.
type vector struct {
	name      string
	variant   g729.Variant
	bit, want []string // corpus paths
}

func g729Path(elem ...string) []string { return append([]string{"vectors", "g729"}, elem...) }

// ituVectors lists the main-body vectors (G.729 and G.729+B) and the Annex
// A ones (G.729A and G.729A+B) with their reference outputs.
func ituVectors() []vector {
	var vs []vector
	names := []string{"ALGTHM", "ERASURE", "FIXED", "LSP", "OVERFLOW", "PARITY", "PITCH", "SPEECH", "TAME"}
	for _, n := range names {
		vs = append(vs, vector{
			name: "g729/" + n,
			bit:  g729Path("itu-release2", "g729", n+".BIT"),
			want: g729Path("itu-release2", "g729", n+".PST"),
		})
	}
	for _, n := range []string{"tstseq1", "tstseq2", "tstseq3", "tstseq4", "tstseq5", "tstseq6"} {
		vs = append(vs, vector{
			name: "g729AnnexB/" + n,
			bit:  g729Path("itu-release2", "g729AnnexB", n+".bit"),
			want: g729Path("itu-release2", "g729AnnexB", n+".out"),
		})
	}
	for _, n := range append(names, "TEST") {
		pst := n + ".PST"
		if n == "TEST" {
			pst = "TEST.pst" // lower-case in the ITU package
		}
		vs = append(vs, vector{
			name:    "g729AnnexA/" + n,
			variant: g729.AnnexA,
			bit:     g729Path("itu-release2", "g729AnnexA", n+".BIT"),
			want:    g729Path("itu-release2", "g729AnnexA", pst),
		})
	}
	// A+B: tstseq5 and tstseq6 have one bit stream for both decoders.
	for _, n := range []string{"tstseq1", "tstseq2", "tstseq3", "tstseq4", "tstseq5", "tstseq6"} {
		bit := n + "a.bit"
		if n == "tstseq5" || n == "tstseq6" {
			bit = n + ".bit"
		}
		vs = append(vs, vector{
			name:    "g729AnnexB/" + n + "a",
			variant: g729.AnnexA,
			bit:     g729Path("itu-release2", "g729AnnexB", bit),
			want:    g729Path("itu-release2", "g729AnnexB", n+"a.out"),
		})
	}
	vs = append(vs,
		vector{
			name: "derived/sip-rtp-g729a_ssrc044559a1",
			bit:  g729Path("derived", "sip-rtp-g729a_ssrc044559a1.bit"),
			want: g729Path("derived", "sip-rtp-g729a_ssrc044559a1.itu-g729-ref.out"),
		},
		vector{
			name: "derived/g729b-synthetic",
			bit:  g729Path("derived", "g729b-synthetic.bit"),
			want: g729Path("derived", "g729b-synthetic.itu-g729b-ref.out"),
		},
		vector{
			name:    "derived/sip-rtp-g729a_ssrc044559a1-annexa",
			variant: g729.AnnexA,
			bit:     g729Path("derived", "sip-rtp-g729a_ssrc044559a1.bit"),
			want:    g729Path("derived", "sip-rtp-g729a_ssrc044559a1.itu-g729a-ref.out"),
		},
		vector{
			name:    "derived/g729b-synthetic-annexa",
			variant: g729.AnnexA,
			bit:     g729Path("derived", "g729b-synthetic.bit"),
			want:    g729Path("derived", "g729b-synthetic.itu-g729ab-ref.out"),
		},
		vector{
			name:    "supplementary-xmedialib/default_en-annexa",
			variant: g729.AnnexA,
			bit:     g729Path("supplementary-xmedialib", "default_en.bit"),
			want:    g729Path("supplementary-xmedialib", "default_en.itu-g729a-ref.out"),
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
			d, err := g729.NewDecoder(g729.Config{Variant: v.variant})
			require.NoError(t, err)
			requireBitExact(t, decodeSerial(t, d, bits), want)
		})
	}
}
