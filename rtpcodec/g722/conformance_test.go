package g722_test

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/f0fce437/callrec/internal/corpus"
	"github.com/f0fce437/callrec/rtpcodec/g722"
	"github.com/stretchr/testify/require"
)

// The ITU-T test vectors (Rec. G.722 Appendix II and the full-codec speech
// set of the ITU-T STL), read from the shared corpus.

func vectorPath(name string) []string {
	return []string{"vectors", "g722", "itu-appII-littleendian", name}
}

// readWords reads a file of little-endian 16-bit words.
func readWords(t *testing.T, elem ...string) []int16 {
	t.Helper()
	b := corpus.ReadFile(t, elem...)
	require.Zero(t, len(b)%2, "odd length")
	w := make([]int16, len(b)/2)
	for i := range w {
		w[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return w
}

// firstMismatch returns "" when got equals want, else where they differ.
func firstMismatch(got, want []int16) string {
	if len(got) != len(want) {
		return fmt.Sprintf("length %d, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			return fmt.Sprintf("word %d: got %d (%#04x), want %d (%#04x)", i, got[i], uint16(got[i]), want[i], uint16(want[i]))
		}
	}
	return ""
}

// In the Appendix II files a word with bit 0 set is a reset; other words
// carry a 15-bit sample in bits 15-1 or a code word in bits 15-8.

func TestAppendixIIEncoder(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"bt1c1.xmt", "bt2r1.cod"},
		{"bt1c2.xmt", "bt2r2.cod"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			in := readWords(t, vectorPath(tc.in)...)
			want := readWords(t, vectorPath(tc.want)...)
			enc := g722.NewSubbandEncoder()
			got := make([]int16, len(in))
			for i, w := range in {
				if w&1 == 1 {
					enc.Reset()
					got[i] = 1
					continue
				}
				il, ih := enc.Encode(w>>1, w>>1)
				got[i] = int16(uint16(ih)<<14 | uint16(il)<<8)
			}
			require.Empty(t, firstMismatch(got, want))
		})
	}
}

func TestAppendixIIDecoder(t *testing.T) {
	for _, tc := range []struct{ in, lower, higher string }{
		{"bt2r1.cod", "bt3l1", "bt3h1.rc0"},
		{"bt2r2.cod", "bt3l2", "bt3h2.rc0"},
		{"bt1d3.cod", "bt3l3", "bt3h3.rc0"},
	} {
		for _, mode := range []g722.Mode{g722.Mode64, g722.Mode56, g722.Mode48} {
			lower := fmt.Sprintf("%s.rc%d", tc.lower, mode)
			t.Run(tc.in+"/"+lower, func(t *testing.T) {
				in := readWords(t, vectorPath(tc.in)...)
				wantL := readWords(t, vectorPath(lower)...)
				wantH := readWords(t, vectorPath(tc.higher)...)
				dec := g722.NewSubbandDecoder(mode)
				gotL := make([]int16, len(in))
				gotH := make([]int16, len(in))
				for i, w := range in {
					if w&1 == 1 {
						dec.Reset()
						gotL[i], gotH[i] = 1, 1
						continue
					}
					code := uint16(w) >> 8
					rl, rh := dec.Decode(uint8(code&63), uint8(code>>6))
					gotL[i], gotH[i] = rl<<1, rh<<1
				}
				require.Empty(t, firstMismatch(gotL, wantL), "lower band")
				require.Empty(t, firstMismatch(gotH, wantH), "higher band")
			})
		}
	}
}

// The full decoder (with the QMF) turns the speech code words into
// outsp1..3 in modes 1 to 3. codspw.cod holds one code word per 16-bit
// little-endian word; codsp.cod holds the same code words packed two per
// big-endian word, so read as bytes each pair is swapped.
func TestFullDecoder(t *testing.T) {
	words := readWords(t, vectorPath("codspw.cod")...)
	codspw := make([]byte, len(words))
	for i, w := range words {
		codspw[i] = byte(w)
	}
	packed := corpus.ReadFile(t, vectorPath("codsp.cod")...)
	require.Zero(t, len(packed)%2, "odd length")
	codsp := make([]byte, len(packed))
	for i := 0; i < len(packed); i += 2 {
		codsp[i], codsp[i+1] = packed[i+1], packed[i]
	}
	for _, in := range []struct {
		name    string
		payload []byte
	}{{"codspw.cod", codspw}, {"codsp.cod", codsp}} {
		for _, mode := range []g722.Mode{g722.Mode64, g722.Mode56, g722.Mode48} {
			t.Run(in.name+"/"+mode.String(), func(t *testing.T) {
				want := readWords(t, vectorPath(fmt.Sprintf("outsp%d.bin", mode))...)
				got, err := g722.NewDecoder(mode).Decode(nil, in.payload)
				require.NoError(t, err)
				require.Empty(t, firstMismatch(got, want))
			})
		}
	}
}

func TestFullEncoder(t *testing.T) {
	in := readWords(t, vectorPath("inpsp.bin")...)
	want := readWords(t, vectorPath("codspw.cod")...)
	codes := g722.NewEncoder().Encode(nil, in)
	got := make([]int16, len(codes))
	for i, c := range codes {
		got[i] = int16(c)
	}
	require.Empty(t, firstMismatch(got, want))
}

// derived/codspw_bytes.g722 is codspw.cod as the byte stream an RTP payload
// carries.
func TestRTPByteStream(t *testing.T) {
	payload := corpus.ReadFile(t, "vectors", "g722", "derived", "codspw_bytes.g722")
	want := readWords(t, vectorPath("outsp1.bin")...)
	got, err := g722.NewDecoder(g722.Mode64).Decode(nil, payload)
	require.NoError(t, err)
	require.Empty(t, firstMismatch(got, want))
}

// conf-adminmenu-162.g722 is a real-world stream whose decode saturates the
// output at sample 321408, where the QMF sum falls below -32768: the ITU-T
// STL reference (and FFmpeg) clamps to -32768 where spandsp wraps around to
// +32227. The STL drops the final partial 160-octet frame, so only its
// 340640 samples are compared.
func TestSaturationAgainstSTL(t *testing.T) {
	dir := []string{"vectors", "g722", "supplementary-xmedialib"}
	payload := corpus.ReadFile(t, append(dir, "conf-adminmenu-162.g722")...)
	want := readWords(t, append(dir, "conf-adminmenu-162.itu-stl-decg722.out")...)
	require.Len(t, want, 340640)
	got, err := g722.NewDecoder(g722.Mode64).Decode(nil, payload)
	require.NoError(t, err)
	require.Len(t, got, 2*len(payload))
	require.Equal(t, int16(-32768), got[321408], "saturated sample")
	require.Empty(t, firstMismatch(got[:len(want)], want))
}
