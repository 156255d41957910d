package convert_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/f0fce437/callrec/internal/corpus"
	"github.com/f0fce437/callrec/pcapio"
	"github.com/f0fce437/callrec/rtpcodec"
	"github.com/f0fce437/callrec/rtpcodec/convert"
	"github.com/f0fce437/callrec/rtpcodec/g711"
	"github.com/f0fce437/callrec/rtpcodec/sip"
	"github.com/pion/rtp"
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
					wantRate := 8000
					if slices.Contains(info.Codecs, "G722") {
						wantRate = 16000 // wideband, although its RTP clock is 8000
					}
					assert.Equal(t, wantRate, rate)
					assert.Len(t, ch, 2)
					assert.NotEmpty(t, info.Streams)
					assert.Equal(t, info.Frames, int64(len(ch[0])))
					// Right speed and length: the recording ends where the
					// last stream's RTP span ends, give or take what drift
					// correction inserted or dropped (srtp_g722_DTMF: 39 ms
					// dropped after its DTMF; every other capture: exact).
					end := 0.0
					for _, s := range info.Streams {
						end = max(end, s.StartMs+s.DurationMs)
					}
					assert.InDelta(t, end*float64(rate)/1000, float64(info.Frames), float64(rate)/20, "%d Hz", rate)
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

// TestCorpusStreams pins what -info says about the streams of corpus
// captures against what tshark and the corpus README say about them.
func TestCorpusStreams(t *testing.T) {
	// fact is one stream segment: the fields compared, by SSRC in order of
	// first packet.
	type fact struct {
		ssrc                      uint32
		dir                       string
		packets, lost, dups, late int
		durationMs                float64
		dtmf                      string
	}
	impaired := func(packets int, durationMs float64) []fact {
		// Dropped #20, #57-58, #100-104; swaps and one packet 3 late, all
		// within the reorder window; #200 and #260 twice.
		return []fact{{packets: packets - 8, lost: 8, dups: 2, durationMs: durationMs}}
	}
	for _, tc := range []struct {
		pcap    string
		streams int
		facts   []fact // ssrc 0: the only stream
	}{
		// Every packet of the direct call between the two phones was
		// captured twice.
		{"real/ndpi_skinny.pcap", 6, []fact{
			{ssrc: 0xF6BF57DC, dir: convert.Local, packets: 18, dups: 18, durationMs: 360},
			{ssrc: 0x7C1071E2, dir: convert.Remote, packets: 17, dups: 16, durationMs: 340},
		}},
		// The call is seen at two SIP hops; the caller's media is 10.23.1.52:16756.
		{"real/ndpi_FAX-Call-t38-CA-TDM-SIP-FB-1.pcap", 4, []fact{
			{ssrc: 0x0EAF0EAF, dir: convert.Remote, packets: 125, durationMs: 2539.5, dtmf: "?"},
			{ssrc: 0x17D90134, dir: convert.Local, packets: 982, durationMs: 34505},
			{ssrc: 0x0EAF0EAF, dir: convert.Remote, packets: 33, durationMs: 685.5},
			{ssrc: 0x17D90134, dir: convert.Local, packets: 26, durationMs: 520},
		}},
		// Encrypted one-byte header extensions; two SSRCs on one flow.
		{"real/ndpi_rtp.pcapng", 4, []fact{
			{ssrc: 0x001A7E73, dir: convert.Local, packets: 7, durationMs: 840},
			{ssrc: 0x001A759F, dir: convert.Remote, packets: 12, durationMs: 720},
			{ssrc: 0x001A757D, dir: convert.Remote, packets: 6, durationMs: 720},
			{ssrc: 0xB80974D8, dir: convert.Remote, packets: 29, durationMs: 3480},
		}},
		{"derived/rtp-pcmu_loss-reorder-dup.pcap", 1, impaired(514, 10280)},
		{"derived/sip-rtp-g722_loss-reorder-dup.pcap", 1, impaired(425, 8500)},
		{"derived/sip-rtp-g729a_loss-reorder-dup.pcap", 1, impaired(425, 8500)},
		{"derived/rtp-pcmu_seq-ts-wrap.pcap", 1, []fact{{packets: 514, durationMs: 10280}}},
		{"real/recv_streams_SSRC_0x3201e4_0x1000a323.pcap", 2, []fact{
			{ssrc: 0x1000A323, dir: convert.Local, packets: 1671, lost: 1, durationMs: 33440},
			{ssrc: 0x003201E4, dir: convert.Local, packets: 1, durationMs: 20},
		}},
		// An SSRC change on one 5-tuple: two segments of the same side.
		{"real/sipp_uac_ssrc_change.pcap", 10, []fact{
			{ssrc: 0xBA5A2E77, dir: convert.Remote, packets: 15, durationMs: 300},
			{ssrc: 0x1ACED359, dir: convert.Remote, packets: 2641, durationMs: 52820},
		}},
		// SIP over TCP: the INVITE's SDP (caller's media 213.64.235.116:28832,
		// telephone-event on 98) decides the sides.
		{"real/sipp_uac_Media_DTMF_Speex.pcap", 2, []fact{
			{ssrc: 0x93451AB2, dir: convert.Remote, packets: 975, durationMs: 19500},
			{ssrc: 0x421970FE, dir: convert.Local, packets: 804, durationMs: 19340, dtmf: "98765#"},
		}},
		{"real/Kamilla_babblar_lite.pcap", 1, []fact{{packets: 3153, durationMs: 63240, dtmf: "2"}}},
		{"real/rtp_ssrc_0x6a518186.pcap", 1, []fact{{packets: 729, durationMs: 16420, dtmf: "12345#"}}},
		{"derived/sip-rtp-g729b-synthetic.pcap", 1, []fact{{packets: 1391, durationMs: 30000}}},
		{"real/srtp_g722_DTMF_srcport_29394.pcap", 1, []fact{{packets: 686, lost: 3, durationMs: 13730.5}}},
	} {
		t.Run(tc.pcap, func(t *testing.T) {
			f, err := os.Open(corpus.Path(t, append([]string{"pcaps"}, strings.Split(tc.pcap, "/")...)...))
			require.NoError(t, err)
			defer f.Close()
			info, err := convert.Inspect(context.Background(), f, convert.Options{})
			require.NoError(t, err)
			require.Len(t, info.Streams, tc.streams)
			used := map[int]bool{}
			for _, want := range tc.facts {
				i := 0
				for i < len(info.Streams) && (used[i] || want.ssrc != 0 && info.Streams[i].SSRC != want.ssrc) {
					i++
				}
				require.Less(t, i, len(info.Streams), "no stream with SSRC %#08x", want.ssrc)
				used[i] = true
				s := info.Streams[i]
				if want.dir != "" {
					assert.Equal(t, want.dir, s.Direction, "%#08x direction", s.SSRC)
				}
				got := fact{ssrc: want.ssrc, dir: want.dir, packets: s.Packets, lost: s.Lost, dups: s.Duplicates, late: s.Late, durationMs: s.DurationMs, dtmf: s.DTMF}
				assert.Equal(t, want, got, "%#08x", s.SSRC)
			}
		})
	}
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
// sequence order (sox for G.711, the ITU-T reference decoders for G.722 and
// G.729): bit-exact, at the stream's place in the recording. The derived
// captures carry the same RTP in other link layers, IP versions or with
// wrapping sequence numbers and timestamps, so they must decode the same.
func TestReferenceDecodes(t *testing.T) {
	const (
		pcmu = "reference/g711/rtp_pcmu_recv_ssrc22ba78de.sox.wav"
		g722 = "reference/g722/sip-rtp-g722_ssrc043daaba.itu-stl-decg722.wav"
		g729 = "vectors/g729/derived/sip-rtp-g729a_ssrc044559a1.itu-g729-ref.out"
	)
	for _, tc := range []struct{ pcap, ref string }{
		{"real/rtp_pcmu_recv.pcap", pcmu},
		{"derived/rtp-pcmu_rawip.pcap", pcmu},
		{"derived/rtp-pcmu_seq-ts-wrap.pcap", pcmu},
		{"real/sipp_g711a.pcap", "reference/g711/sipp_g711a_ssrcdee0ee8f.sox.wav"},
		{"real/sip-rtp-g722.pcap", g722},
		{"derived/sip-rtp-g722_ipv6.pcap", g722},
		{"derived/sip-rtp-g722_sll2.pcap", g722},
		{"real/sip-rtp-g729a.pcap", g729},
		{"real/rtp-g729a.pcap", g729},
		{"derived/sip-rtp-g729a_qinq.pcap", g729},
		{"derived/sip-rtp-g729a_null.pcap", g729},
		// The SDP says annexb=yes; SID frames and timestamp gaps (DTX)
		// must reach the decoder's Annex B paths frame for frame.
		{"derived/sip-rtp-g729b-synthetic.pcap", "vectors/g729/derived/g729b-synthetic.itu-g729b-ref.out"},
	} {
		t.Run(tc.pcap, func(t *testing.T) {
			info, wav, err := convertFile(t, corpus.Path(t, "pcaps", tc.pcap), convert.Options{})
			require.NoError(t, err)
			requireReference(t, info, wav, referencePCM(t, tc.ref))
		})
	}
}

// referencePCM reads a reference decode: a WAV file, or raw 16-bit
// little-endian PCM.
func referencePCM(t *testing.T, path string) []int16 {
	t.Helper()
	b := corpus.ReadFile(t, strings.Split(path, "/")...)
	if strings.HasSuffix(path, ".wav") {
		_, ch := wavSamples(t, b)
		return ch[0]
	}
	pcm := make([]int16, len(b)/2)
	for i := range pcm {
		pcm[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return pcm
}

// requireReference checks that the only stream of a conversion is ref,
// sample for sample, from the stream's start to the end of the recording.
func requireReference(t *testing.T, info *convert.Info, wav []byte, ref []int16) {
	t.Helper()
	require.Len(t, info.Streams, 1)
	rate, ch := wavSamples(t, wav)
	s := info.Streams[0]
	side := 0
	if s.Direction == convert.Remote {
		side = 1
	}
	got := ch[side][int(s.StartMs)*rate/1000:]
	require.Equal(t, len(ref), len(got), "stream length")
	for i := range ref {
		if got[i] != ref[i] {
			t.Fatalf("sample %d: got %d, reference %d", i, got[i], ref[i])
		}
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

// TestG729AnnexBNo: an SDP saying annexb=no does not stop the SID frames
// that arrive from being decoded (senders do not always honour it): the
// synthetic Annex B call with its fmtp rewritten still matches the ITU-T
// G.729+B reference decode.
func TestG729AnnexBNo(t *testing.T) {
	b := corpus.ReadFile(t, "pcaps", "derived", "sip-rtp-g729b-synthetic.pcap")
	require.Equal(t, 2, bytes.Count(b, []byte("annexb=yes")), "the INVITE and the 200 OK")
	// Same length, so Content-Length holds; checksums are not verified.
	b = bytes.ReplaceAll(b, []byte("annexb=yes"), []byte("annexb=no "))
	path := filepath.Join(t.TempDir(), "annexb-no.pcap")
	require.NoError(t, os.WriteFile(path, b, 0o644))
	info, wav, err := convertFile(t, path, convert.Options{})
	require.NoError(t, err)
	requireReference(t, info, wav, referencePCM(t, "vectors/g729/derived/g729b-synthetic.itu-g729b-ref.out"))
}

// TestImpairedCapturesConceal converts the corpus's impaired captures
// (packets dropped, swapped, delayed and duplicated) and compares them with
// the clean capture's payloads run through the same decoder, with exactly
// the dropped packets concealed: reordering and duplicates leave no trace,
// and a sequence gap is concealment of its length (for G.729, erased frames
// through the Recommendation's bad-frame path).
func TestImpairedCapturesConceal(t *testing.T) {
	// Packets dropped from the RTP stream, by index (corpus README).
	lost := []int{20, 57, 58, 100, 101, 102, 103, 104}
	reg := rtpcodec.DefaultRegistry()
	for _, tc := range []struct{ impaired, clean, codec string }{
		{"derived/rtp-pcmu_loss-reorder-dup.pcap", "real/rtp_pcmu_recv.pcap", "PCMU"},
		{"derived/sip-rtp-g722_loss-reorder-dup.pcap", "real/sip-rtp-g722.pcap", "G722"},
		{"derived/sip-rtp-g729a_loss-reorder-dup.pcap", "real/sip-rtp-g729a.pcap", "G729"},
	} {
		t.Run(tc.impaired, func(t *testing.T) {
			codec, ok := reg.Lookup(tc.codec, 8000)
			require.True(t, ok)
			dec, err := codec.NewDecoder("")
			require.NoError(t, err)
			var want []int16
			for i, payload := range rtpPayloads(t, tc.clean) {
				if slices.Contains(lost, i) {
					want = dec.Conceal(want, codec.Ticks(payload)*codec.SampleRate/codec.ClockRate)
					continue
				}
				want, err = dec.Decode(want, payload)
				require.NoError(t, err)
			}
			info, wav, err := convertFile(t, corpus.Path(t, strings.Split("pcaps/"+tc.impaired, "/")...), convert.Options{})
			require.NoError(t, err)
			require.Equal(t, len(lost), info.Streams[0].Lost)
			requireReference(t, info, wav, want)
		})
	}
}

// rtpPayloads returns the RTP payloads of a single-stream capture in
// capture order.
func rtpPayloads(t *testing.T, pcap string) [][]byte {
	t.Helper()
	f, err := os.Open(corpus.Path(t, strings.Split("pcaps/"+pcap, "/")...))
	require.NoError(t, err)
	defer f.Close()
	r, err := pcapio.NewReader(f)
	require.NoError(t, err)
	var out [][]byte
	var p pcapio.Packet
	var pk rtp.Packet
	for r.Next(&p) == nil {
		if p.Proto == pcapio.UDP && !sip.LooksLikeSIP(p.Payload) && rtpcodec.Parse(&pk, p.Payload) == nil {
			out = append(out, slices.Clone(pk.Payload))
		}
	}
	return out
}
