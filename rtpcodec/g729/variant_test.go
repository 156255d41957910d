package g729_test

import (
	"math"
	"testing"

	"github.com/f0fce437/callrec/internal/corpus"
	"github.com/f0fce437/callrec/rtpcodec/g729"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// snrDB returns the signal-to-noise ratio of got against ref in dB.
func snrDB(ref, got []int16) float64 {
	var sig, noise float64
	for i := range ref {
		d := float64(ref[i]) - float64(got[i])
		sig += float64(ref[i]) * float64(ref[i])
		noise += d * d
	}
	if noise == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(sig/noise)
}

// TestVariantsAgree decodes the same streams with the main-body and the
// Annex A decoders. They differ by design, mainly in the post-filter, but
// the SNR between their outputs stays above a floor. Measured (see
// docs/performance.md): 22.2 to 29.4 dB on speech, with or without DTX; 11.3
// dB on ERASURE, where the two concealments (the main body's voicing
// decision) make the decoder states drift apart for a while after each
// erased frame. The floors leave about 3 dB of margin.
func TestVariantsAgree(t *testing.T) {
	const (
		speechFloorDB  = 19
		erasureFloorDB = 8
	)
	streams := []struct {
		name    string
		bit     []string
		floorDB float64
	}{
		{"SPEECH", g729Path("itu-release2", "g729", "SPEECH.BIT"), speechFloorDB},
		{"PITCH", g729Path("itu-release2", "g729", "PITCH.BIT"), speechFloorDB},
		{"LSP", g729Path("itu-release2", "g729", "LSP.BIT"), speechFloorDB},
		{"TAME", g729Path("itu-release2", "g729", "TAME.BIT"), speechFloorDB},
		{"sip-rtp-g729a", g729Path("derived", "sip-rtp-g729a_ssrc044559a1.bit"), speechFloorDB},
		{"default_en", g729Path("supplementary-xmedialib", "default_en.bit"), speechFloorDB},
		{"tstseq1a (DTX)", g729Path("itu-release2", "g729AnnexB", "tstseq1a.bit"), speechFloorDB},
		{"tstseq6 (DTX, erasures)", g729Path("itu-release2", "g729AnnexB", "tstseq6.bit"), speechFloorDB},
		{"g729b-synthetic (DTX)", g729Path("derived", "g729b-synthetic.bit"), speechFloorDB},
		{"ERASURE", g729Path("itu-release2", "g729", "ERASURE.BIT"), erasureFloorDB},
	}
	for _, s := range streams {
		t.Run(s.name, func(t *testing.T) {
			bits := corpus.ReadFile(t, s.bit...)
			main, err := g729.NewDecoder(g729.Config{Variant: g729.MainBody})
			require.NoError(t, err)
			annexA, err := g729.NewDecoder(g729.Config{Variant: g729.AnnexA})
			require.NoError(t, err)
			ref := decodeSerial(t, main, bits)
			got := decodeSerial(t, annexA, bits)
			require.Equal(t, len(ref), len(got))
			snr := snrDB(ref, got)
			t.Logf("SNR(main, annexa) = %.2f dB", snr)
			assert.Greater(t, snr, s.floorDB)
			assert.False(t, math.IsInf(snr, 1), "the variants should differ")
		})
	}
}
