package convert_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/f0fce437/callrec/internal/corpus"
	"github.com/f0fce437/callrec/rtpcodec"
	"github.com/f0fce437/callrec/rtpcodec/convert"
	"github.com/f0fce437/callrec/rtpcodec/g711"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wavSamples returns the 16-bit samples of a WAV file's data chunk,
// de-interleaved.
func wavSamples(t *testing.T, b []byte) (rate int, channels [][]int16) {
	t.Helper()
	require.Equal(t, "RIFF", string(b[:4]))
	require.Equal(t, "WAVE", string(b[8:12]))
	var fmtCode, nch int
	for off := 12; off+8 <= len(b); {
		id, size := string(b[off:off+4]), int(binary.LittleEndian.Uint32(b[off+4:]))
		body := b[off+8 : min(len(b), off+8+size)]
		switch id {
		case "fmt ":
			fmtCode, nch = int(binary.LittleEndian.Uint16(body)), int(binary.LittleEndian.Uint16(body[2:]))
			rate = int(binary.LittleEndian.Uint32(body[4:]))
		case "data":
			channels = make([][]int16, nch)
			switch fmtCode {
			case 1:
				for i := 0; i+2*nch <= len(body); i += 2 * nch {
					for c := range nch {
						channels[c] = append(channels[c], int16(binary.LittleEndian.Uint16(body[i+2*c:])))
					}
				}
			case 6, 7: // A-law, µ-law WAVs (the sox references)
				law := g711.ALaw
				if fmtCode == 7 {
					law = g711.MuLaw
				}
				for _, c := range body {
					channels[0] = append(channels[0], g711.DecodeSample(law, c))
				}
			default:
				t.Fatalf("WAV format %d", fmtCode)
			}
			return rate, channels
		}
		off += 8 + size + size&1
	}
	t.Fatal("no data chunk")
	return 0, nil
}

func convertFile(t *testing.T, path string, opts convert.Options) (*convert.Info, []byte, error) {
	t.Helper()
	src, err := os.Open(path)
	require.NoError(t, err)
	defer src.Close()
	out, err := os.Create(filepath.Join(t.TempDir(), "out.wav"))
	require.NoError(t, err)
	defer out.Close()
	info, err := convert.Convert(context.Background(), src, out, opts)
	if err != nil {
		return info, nil, err
	}
	b, rerr := os.ReadFile(out.Name())
	require.NoError(t, rerr)
	return info, b, nil
}

// TestCorpus converts every capture of the shared corpus: each converts, or
// fails with the error that names its problem. Captures in a codec the
// registry lacks fail with ErrNotDecodable naming it, and convert once the
// codec is registered.
func TestCorpus(t *testing.T) {
	const (
		ok      = ""
		noAudio = "no audio"
	)
	expect := map[string]string{
		"heplify_sip_ipv6_udp.pcap":           noAudio, // SIP only
		"ndpi_rtcp_multiple_pkts_sll.pcap":    noAudio, // RTCP only
		"sipp_dtmf_2833_1.pcap":               noAudio, // telephone events only
		"sipp_dtmf_2833_pound.pcap":           noAudio,
		"sip-rtp-ilbc.pcap":                   "ILBC",
		"ndpi_rtp.pcapng":                     "unknown", // Opus-like dynamic types without SDP
		"lundgrel_g722.pcap":                  "G722",
		"sip-rtp-g722.pcap":                   "G722",
		"srtp_g722_DTMF_srcport_29394.pcap":   "G722", // encrypted: noise once G.722 decodes
		"sip-rtp-g722_ipv6.pcap":              "G722",
		"sip-rtp-g722_sll2.pcap":              "G722",
		"sip-rtp-g722_loss-reorder-dup.pcap":  "G722",
		"rtp-g729a.pcap":                      "G729",
		"sip-rtp-g729a.pcap":                  "G729",
		"sip-rtp-g729a_qinq.pcap":             "G729",
		"sip-rtp-g729a_null.pcap":             "G729",
		"sip-rtp-g729a_loss-reorder-dup.pcap": "G729",
		"sip-rtp-g729b-synthetic.pcap":        "G729",
	}
	reg := rtpcodec.DefaultRegistry()
	n := 0
	for _, dir := range []string{"real", "derived"} {
		entries, err := os.ReadDir(corpus.Path(t, "pcaps", dir))
		require.NoError(t, err)
		for _, e := range entries {
			name := e.Name()
			n++
			t.Run(name, func(t *testing.T) {
				info, wav, err := convertFile(t, corpus.Path(t, "pcaps", dir, name), convert.Options{})
				want := expect[name]
				if _, registered := reg.Lookup(want, 8000); registered {
					want = ok
				}
				switch want {
				case ok:
					require.NoError(t, err)
					rate, ch := wavSamples(t, wav)
					assert.Contains(t, []int{8000, 16000}, rate)
					assert.Len(t, ch, 2)
					assert.NotEmpty(t, info.Streams)
					assert.Equal(t, info.Frames, int64(len(ch[0])))
				case noAudio:
					require.ErrorIs(t, err, convert.ErrNoAudio)
					assert.Nil(t, info)
				default:
					require.ErrorIs(t, err, convert.ErrNotDecodable)
					assert.Contains(t, err.Error(), want)
					require.NotNil(t, info)
					assert.True(t, containsWarning(info.Warnings, "unsupported codec "+want), "warnings: %q", info.Warnings)
				}
			})
		}
	}
	assert.Equal(t, 39, n, "captures in the corpus")
}

func containsWarning(ws []string, s string) bool {
	for _, w := range ws {
		if strings.Contains(w, s) {
			return true
		}
	}
	return false
}

// TestReferenceDecodes compares our conversion of clean single-stream
// captures with the corpus's reference decodes of their payloads in
// sequence order (sox for G.711, the ITU reference decoders for G.722 and
// G.729): bit-exact, at the stream's place in the recording.
func TestReferenceDecodes(t *testing.T) {
	for _, tc := range []struct{ pcap, ref string }{
		{"real/rtp_pcmu_recv.pcap", "g711/rtp_pcmu_recv_ssrc22ba78de.sox.wav"},
		{"real/sipp_g711a.pcap", "g711/sipp_g711a_ssrcdee0ee8f.sox.wav"},
		{"real/sip-rtp-g722.pcap", "g722/sip-rtp-g722_ssrc043daaba.itu-stl-decg722.wav"},
		{"real/sip-rtp-g729a.pcap", "g729/sip-rtp-g729a_ssrc044559a1.itu-g729-ref.wav"},
	} {
		t.Run(tc.pcap, func(t *testing.T) {
			info, wav, err := convertFile(t, corpus.Path(t, "pcaps", tc.pcap), convert.Options{})
			require.NoError(t, err)
			require.Len(t, info.Streams, 1)
			_, ref := wavSamples(t, corpus.ReadFile(t, "reference", tc.ref))
			rate, ch := wavSamples(t, wav)
			s := info.Streams[0]
			side := 0
			if s.Direction == convert.Remote {
				side = 1
			}
			start := int(s.StartMs) * rate / 1000
			got := ch[side][start:]
			require.Equal(t, len(ref[0]), len(got), "stream length")
			for i := range ref[0] {
				if got[i] != ref[0][i] {
					t.Fatalf("sample %d: got %d, reference %d", i, got[i], ref[0][i])
				}
			}
		})
	}
}

// TestPcapAndPcapngAgree converts the same capture stored both ways.
func TestPcapAndPcapngAgree(t *testing.T) {
	_, a, err := convertFile(t, corpus.Path(t, "pcaps", "real", "rtp_ssrc_0x6a518186.pcap"), convert.Options{})
	require.NoError(t, err)
	_, b, err := convertFile(t, corpus.Path(t, "pcaps", "real", "rtp_ssrc_0x6a518186.pcapng"), convert.Options{})
	require.NoError(t, err)
	assert.True(t, bytes.Equal(a, b))
}

// TestG729AnnexBThroughDTX converts the synthetic G.729 Annex B call, whose
// silences are SID frames and untransmitted frames (timestamp gaps), and
// compares it with the ITU G.729+B reference decode of the same frames: the
// pipeline must call the decoder's DTX path for exactly the untransmitted
// frames.
func TestG729AnnexBThroughDTX(t *testing.T) {
	info, wav, err := convertFile(t, corpus.Path(t, "pcaps", "derived", "sip-rtp-g729b-synthetic.pcap"), convert.Options{})
	require.NoError(t, err)
	require.Len(t, info.Streams, 1)
	raw := corpus.ReadFile(t, "vectors", "g729", "derived", "g729b-synthetic.itu-g729b-ref.out")
	_, ch := wavSamples(t, wav)
	s := info.Streams[0]
	side := 0
	if s.Direction == convert.Remote {
		side = 1
	}
	got := ch[side][int(s.StartMs)*8:]
	require.Equal(t, len(raw)/2, len(got))
	for i := range len(raw) / 2 {
		if want := int16(binary.LittleEndian.Uint16(raw[2*i:])); got[i] != want {
			t.Fatalf("sample %d (frame %d): got %d, reference %d", i, i/80, got[i], want)
		}
	}
}
