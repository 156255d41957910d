package g711_test

import (
	"encoding/binary"
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/f0fce437/callrec/internal/corpus"
	"github.com/f0fce437/callrec/rtpcodec/g711"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func words(tb testing.TB, name string) []int16 {
	tb.Helper()
	b := corpus.ReadFile(tb, "vectors", "g711", name)
	w := make([]int16, len(b)/2)
	for i := range w {
		w[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return w
}

// TestSweepVectors checks encoder and decoder against the ITU-T G.191 STL
// sweep: every 16-bit input, its code word, and the code word's decode.
func TestSweepVectors(t *testing.T) {
	src := words(t, "sweep.src")
	for _, tc := range []struct {
		name          string
		law           g711.Law
		codes, decode string
	}{
		{"alaw", g711.ALaw, "sweep-r.a", "sweep-r.a-a"},
		{"ulaw", g711.MuLaw, "sweep-r.u", "sweep-r.u-u"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			codes, want := words(t, tc.codes), words(t, tc.decode)
			require.Len(t, codes, len(src))
			pcm := make([]int16, len(src))
			copy(pcm, src)
			enc := g711.NewEncoder(tc.law).Encode(nil, pcm)
			payload := make([]byte, len(codes))
			for i, c := range codes {
				payload[i] = byte(c)
				if enc[i] != byte(c) {
					t.Fatalf("encode sample %d (%d): got code %#02x, want %#02x", i, src[i], enc[i], byte(c))
				}
			}
			got, err := g711.NewDecoder(tc.law).Decode(nil, payload)
			require.NoError(t, err)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("decode sample %d (code %#02x): got %d, want %d", i, payload[i], got[i], want[i])
				}
			}
		})
	}
}

// TestDecodeTables checks all 256 code words against the derived CSV tables.
func TestDecodeTables(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		law        g711.Law
	}{
		{"alaw", "g711_alaw_decode_table.csv", g711.ALaw},
		{"ulaw", "g711_ulaw_decode_table.csv", g711.MuLaw},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := csv.NewReader(strings.NewReader(string(corpus.ReadFile(t, "vectors", "g711", "derived", tc.file)))).ReadAll()
			require.NoError(t, err)
			require.Len(t, rows, 257)
			for _, r := range rows[1:] {
				code, err := strconv.Atoi(r[0])
				require.NoError(t, err)
				want, err := strconv.Atoi(r[2])
				require.NoError(t, err)
				assert.Equal(t, int16(want), g711.DecodeSample(tc.law, uint8(code)), "code %d", code)
			}
		})
	}
}

func TestSupplementaryDecode(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		law            g711.Law
	}{
		{"pcma", "pcma_raw-alaw.raw", "pcma_raw-pcm16.from_alaw", g711.ALaw},
		{"pcmu", "pcmu_raw-ulaw.raw", "pcmu_raw-pcm16.from_ulaw", g711.MuLaw},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := corpus.ReadFile(t, "vectors", "g711", "supplementary-xmedialib", tc.in)
			want := words(t, "supplementary-xmedialib/"+tc.want)
			got, err := g711.NewDecoder(tc.law).Decode(nil, in)
			require.NoError(t, err)
			require.Equal(t, want, got)
		})
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	for _, law := range []g711.Law{g711.ALaw, g711.MuLaw} {
		t.Run(law.String(), func(t *testing.T) {
			for c := 0; c < 256; c++ {
				v := g711.DecodeSample(law, uint8(c))
				got := g711.EncodeSample(law, v)
				// µ-law has two codes for zero (0x7F and 0xFF).
				if law == g711.MuLaw && (c == 0x7F) {
					continue
				}
				assert.Equal(t, uint8(c), got, "code %#02x -> %d", c, v)
			}
		})
	}
}

func tone(n int, freq, amp float64) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(amp * math.Sin(2*math.Pi*freq*float64(i)/8000))
	}
	return s
}

func rms(s []int16) float64 {
	var e float64
	for _, v := range s {
		e += float64(v) * float64(v)
	}
	return math.Sqrt(e / float64(max(1, len(s))))
}

func TestConceal(t *testing.T) {
	t.Run("nothing decoded yet gives silence", func(t *testing.T) {
		out := g711.NewDecoder(g711.ALaw).Conceal(nil, 160)
		assert.Equal(t, make([]int16, 160), out)
	})
	t.Run("repeats the period then fades to silence", func(t *testing.T) {
		enc, dec := g711.NewEncoder(g711.ALaw), g711.NewDecoder(g711.ALaw)
		in := tone(800, 200, 8000) // 200 Hz: a 40-sample period
		_, err := dec.Decode(nil, enc.Encode(nil, in))
		require.NoError(t, err)
		out := dec.Conceal(nil, 800)
		require.Len(t, out, 800)
		ref := rms(in)
		assert.InDelta(t, ref, rms(out[:80]), ref*0.1, "first 10 ms at full level")
		assert.Less(t, rms(out[240:480]), ref*0.6, "fading")
		assert.Equal(t, make([]int16, 320), out[480:], "silent after 60 ms")
		for i, v := range out {
			assert.LessOrEqual(t, math.Abs(float64(v)), 8200.0, "sample %d louder than the tone", i)
		}
		// The continuation is in phase: the first concealed sample follows
		// the tone closely.
		assert.InDelta(t, float64(in[0]), float64(out[0]), 600) // 800 = 20 periods of 40
	})
	t.Run("split calls continue one loss", func(t *testing.T) {
		enc := g711.NewEncoder(g711.MuLaw)
		a, b := g711.NewDecoder(g711.MuLaw), g711.NewDecoder(g711.MuLaw)
		p := enc.Encode(nil, tone(480, 300, 6000))
		_, _ = a.Decode(nil, p)
		_, _ = b.Decode(nil, p)
		whole := a.Conceal(nil, 400)
		split := b.Conceal(b.Conceal(nil, 160), 240)
		assert.Equal(t, whole, split)
	})
}

func TestDecodeZeroAllocs(t *testing.T) {
	dec := g711.NewDecoder(g711.ALaw)
	payload := make([]byte, 160)
	buf := make([]int16, 0, 480)
	allocs := testing.AllocsPerRun(100, func() {
		out, _ := dec.Decode(buf[:0], payload)
		_ = dec.Conceal(out, 160)
	})
	assert.Zero(t, allocs)
}

func BenchmarkDecode(b *testing.B) {
	dec := g711.NewDecoder(g711.ALaw)
	payload := g711.NewEncoder(g711.ALaw).Encode(nil, tone(160, 440, 9000))
	buf := make([]int16, 0, 160)
	b.ReportAllocs()
	b.SetBytes(160)
	for b.Loop() {
		buf, _ = dec.Decode(buf[:0], payload)
	}
}

func BenchmarkEncode(b *testing.B) {
	enc := g711.NewEncoder(g711.MuLaw)
	pcm := tone(160, 440, 9000)
	buf := make([]byte, 0, 160)
	b.ReportAllocs()
	b.SetBytes(160)
	for b.Loop() {
		buf = enc.Encode(buf[:0], pcm)
	}
}
