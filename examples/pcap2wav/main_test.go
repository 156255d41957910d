package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/f0fce437/callrec/internal/corpus"
	"github.com/f0fce437/callrec/rtpcodec/callgen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const ms = time.Millisecond

// fixtureCall is an innovaphone-style call with loss, a duplicate, DTMF and
// comfort noise on the local side.
func fixtureCall() callgen.Call {
	return callgen.Call{Signalling: callgen.Innovaphone, Seed: 7, Streams: []callgen.Stream{
		{Local: true, SSRC: 0x1234, Seq: 65000, TS: 4000, Start: 30 * ms, Length: 3 * time.Second, Delay: 4 * ms, Jitter: 6 * ms,
			Bursts:    []callgen.Burst{{Start: 200 * ms, Length: 800 * ms, Sound: callgen.Speech}, {Start: 2 * time.Second, Length: 700 * ms, Sound: callgen.Speech}},
			DTX:       true,
			CNLevel:   45,
			DTMF:      []callgen.Digit{{Key: '4', Start: 1200 * ms, Length: 240 * ms}, {Key: '2', Start: 1600 * ms, Length: 200 * ms}},
			Loss:      []int{20},
			Duplicate: []int{30},
		},
		{Local: false, SSRC: 0xBEEF, Codec: callgen.PCMU(), Start: 55 * ms, Length: 3 * time.Second, Delay: 9 * ms,
			Bursts: []callgen.Burst{{Start: 1 * time.Second, Length: 1 * time.Second, Sound: callgen.Tone, Freq: 440}}},
	}}
}

func writeCall(t *testing.T, c callgen.Call) string {
	t.Helper()
	r, err := callgen.Generate(c)
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, r.WritePcap(&b))
	p := filepath.Join(t.TempDir(), "call.pcap")
	require.NoError(t, os.WriteFile(p, b.Bytes(), 0o644))
	return p
}

func runCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(p, []byte(got), 0o644))
	}
	want, err := os.ReadFile(p)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), got)
}

func TestInfoGolden(t *testing.T) {
	t.Run("generated innovaphone call", func(t *testing.T) {
		code, out, errOut := runCLI("-info", writeCall(t, fixtureCall()))
		require.Equal(t, 0, code, errOut)
		golden(t, "innovaphone.info.golden", out)
	})
	t.Run("sipp call over TCP with DTMF", func(t *testing.T) {
		code, out, errOut := runCLI("-info", corpus.Path(t, "pcaps", "real", "sipp_uac_Media_DTMF_Speex.pcap"))
		require.Equal(t, 0, code, errOut)
		golden(t, "sipp_dtmf.info.golden", out)
	})
	t.Run("comfort noise and telephone events", func(t *testing.T) {
		code, out, errOut := runCLI("-info", corpus.Path(t, "pcaps", "real", "ndpi_FAX-Call-t38-CA-TDM-SIP-FB-1.pcap"))
		require.Equal(t, 0, code, errOut)
		golden(t, "fax_cn.info.golden", out)
	})
}

func TestConvert(t *testing.T) {
	in := writeCall(t, fixtureCall())
	for _, tc := range []struct {
		name     string
		mono     bool
		channels byte
	}{{"stereo", false, 2}, {"mono", true, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "call.wav")
			args := []string{"-o", out, in}
			if tc.mono {
				args = append([]string{"-mono"}, args...)
			}
			code, stdout, stderr := runCLI(args...)
			require.Equal(t, 0, code, stderr)
			assert.Empty(t, stdout)
			assert.Empty(t, stderr, "no progress bar when stderr is not a terminal, no warnings")
			b, err := os.ReadFile(out)
			require.NoError(t, err)
			assert.Equal(t, "RIFF", string(b[:4]))
			assert.Equal(t, tc.channels, b[22])
			assert.Greater(t, len(b), 44+8000*2)
			entries, err := os.ReadDir(filepath.Dir(out))
			require.NoError(t, err)
			assert.Len(t, entries, 1, "no temporary file left")
		})
	}
}

// TestFailures checks the exit status and the one stderr line of each
// failure of the contract.
func TestFailures(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o644))
		return p
	}
	full, err := os.ReadFile(writeCall(t, fixtureCall()))
	require.NoError(t, err)
	dtmfOnly := fixtureCall()
	dtmfOnly.Signalling = callgen.NoSIP
	dtmfOnly.Streams = dtmfOnly.Streams[:1]
	dtmfOnly.Streams[0].Bursts = nil
	dtmfOnly.Streams[0].CNLevel = 0

	tests := []struct {
		name    string
		args    []string
		code    int
		message string
	}{
		{"empty file", []string{"-info", write("empty.pcap", nil)}, 1, "empty file"},
		{"not a capture", []string{"-o", filepath.Join(dir, "x.wav"), write("text.pcap", []byte("hello, this is not a capture at all"))}, 1, "not a packet capture"},
		{"no audio, only DTMF", []string{"-o", filepath.Join(dir, "y.wav"), writeCall(t, dtmfOnly)}, 1, "no RTP audio"},
		{"missing file", []string{"-info", filepath.Join(dir, "nope.pcap")}, 1, "no such file"},
		{"unsupported codec", []string{"-o", filepath.Join(dir, "z.wav"), corpus.Path(t, "pcaps", "real", "sip-rtp-ilbc.pcap")}, 1, "ILBC"},
		{"no input", []string{"-info"}, 2, "usage"},
		{"both -o and -info", []string{"-o", "a.wav", "-info", "b.pcap"}, 2, "usage"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(tc.args...)
			assert.Equal(t, tc.code, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tc.message)
			if tc.code == 1 {
				lines := strings.Split(strings.TrimSpace(stderr), "\n")
				last := lines[len(lines)-1]
				assert.True(t, strings.HasPrefix(last, "pcap2wav: "), last)
				for _, l := range lines[:len(lines)-1] {
					assert.Contains(t, l, "warning:", "only warnings before the error line")
				}
			}
		})
	}
	assert.NoFileExists(t, filepath.Join(dir, "x.wav"))
	assert.NoFileExists(t, filepath.Join(dir, "z.wav"))

	t.Run("truncated capture converts with a warning", func(t *testing.T) {
		out := filepath.Join(dir, "cut.wav")
		code, _, stderr := runCLI("-o", out, write("cut.pcap", full[:len(full)*2/3+5]))
		assert.Equal(t, 0, code)
		assert.Contains(t, stderr, "warning: capture cut off")
		assert.FileExists(t, out)
	})
}

// TestProgressBar checks what the bar draws on a terminal (run only wires
// it when stderr is one; TestConvert checks that nothing is drawn otherwise).
func TestProgressBar(t *testing.T) {
	var b bytes.Buffer
	bar := &progressBar{w: &b}
	bar.update(0, -1)  // unknown total: nothing
	bar.update(1, 200) // 0 %: nothing to draw yet
	bar.update(100, 200)
	bar.update(101, 200) // same percentage: not redrawn
	bar.update(200, 200)
	bar.done()
	assert.Equal(t, "\r[###############               ]  50%"+
		"\r[##############################] 100%"+
		"\r\033[K", b.String())
}

// TestG729Variant converts G.729 captures with each -g729 decoder and
// compares the stream, sample for sample, with the ITU-T reference decoder
// of that variant (main body G.729, Annex A G.729A, each with Annex B).
func TestG729Variant(t *testing.T) {
	const derived = "vectors/g729/derived/"
	tests := []struct {
		variant, pcap, ref string
	}{
		{"", "real/sip-rtp-g729a.pcap", derived + "sip-rtp-g729a_ssrc044559a1.itu-g729-ref.out"},
		{"main", "real/sip-rtp-g729a.pcap", derived + "sip-rtp-g729a_ssrc044559a1.itu-g729-ref.out"},
		{"annexa", "real/sip-rtp-g729a.pcap", derived + "sip-rtp-g729a_ssrc044559a1.itu-g729a-ref.out"},
		{"main", "derived/sip-rtp-g729b-synthetic.pcap", derived + "g729b-synthetic.itu-g729b-ref.out"},
		{"annexa", "derived/sip-rtp-g729b-synthetic.pcap", derived + "g729b-synthetic.itu-g729ab-ref.out"},
	}
	for _, tc := range tests {
		name := tc.variant
		if name == "" {
			name = "default"
		}
		t.Run(name+"/"+tc.pcap, func(t *testing.T) {
			in := corpus.Path(t, append([]string{"pcaps"}, strings.Split(tc.pcap, "/")...)...)
			ref := corpus.ReadFile(t, strings.Split(tc.ref, "/")...)
			out := filepath.Join(t.TempDir(), "call.wav")
			args := []string{"-o", out, in}
			if tc.variant != "" {
				args = append([]string{"-g729", tc.variant}, args...)
			}
			code, _, stderr := runCLI(args...)
			require.Equal(t, 0, code, stderr)

			// Where the stream sits in the recording.
			code, info, stderr := runCLI("-info", in)
			require.Equal(t, 0, code, stderr)
			var inf struct {
				Streams []struct {
					Direction string  `json:"direction"`
					StartMs   float64 `json:"start_ms"`
				} `json:"streams"`
			}
			require.NoError(t, json.Unmarshal([]byte(info), &inf))
			require.Len(t, inf.Streams, 1)
			ch := 0
			if inf.Streams[0].Direction == "remote" {
				ch = 1
			}
			got := wavChannel(t, out, ch)[int(inf.Streams[0].StartMs)*8:]
			require.Len(t, got, len(ref)/2, "stream length")
			for i := range got {
				if want := int16(binary.LittleEndian.Uint16(ref[2*i:])); got[i] != want {
					t.Fatalf("sample %d: got %d, reference %d", i, got[i], want)
				}
			}
		})
	}
	t.Run("unknown decoder", func(t *testing.T) {
		code, _, stderr := runCLI("-g729", "annexb", "-o", "x.wav", "in.pcap")
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, stderr, "main or annexa")
	})
}

// wavChannel returns channel ch of a 16-bit PCM WAV file at 8 kHz.
func wavChannel(t *testing.T, path string, ch int) []int16 {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "RIFF", string(b[:4]))
	require.Equal(t, "WAVE", string(b[8:12]))
	var channels int
	for p := b[12:]; len(p) >= 8; {
		id, size := string(p[:4]), int(binary.LittleEndian.Uint32(p[4:8]))
		body := p[8:min(8+size, len(p))]
		switch id {
		case "fmt ":
			channels = int(binary.LittleEndian.Uint16(body[2:]))
			require.Equal(t, uint32(8000), binary.LittleEndian.Uint32(body[4:]), "sample rate")
		case "data":
			require.Positive(t, channels, "fmt before data")
			pcm := make([]int16, len(body)/2/channels)
			for i := range pcm {
				pcm[i] = int16(binary.LittleEndian.Uint16(body[2*(i*channels+ch):]))
			}
			return pcm
		}
		p = p[8+size+size%2:]
	}
	t.Fatal("no data chunk")
	return nil
}

// TestMaxDurationFlag: audio past -max-duration is left out with a warning
// and the WAV ends at the limit; 0 lifts the limit.
func TestMaxDurationFlag(t *testing.T) {
	in := writeCall(t, fixtureCall())
	frames := func(t *testing.T, args ...string) (int, string) {
		t.Helper()
		out := filepath.Join(t.TempDir(), "call.wav")
		code, _, stderr := runCLI(append(append([]string{"-o", out}, args...), in)...)
		require.Equal(t, 0, code, stderr)
		return len(wavChannel(t, out, 0)), stderr
	}
	full, stderr := frames(t)
	assert.Empty(t, stderr)
	require.Greater(t, full, 8000, "the fixture is longer than a second")

	cut, stderr := frames(t, "-max-duration", "1s")
	assert.Equal(t, 8000, cut)
	assert.Contains(t, stderr, "warning:")
	assert.Contains(t, stderr, "after the start of the recording and were left out")

	unlimited, stderr := frames(t, "-max-duration", "0")
	assert.Equal(t, full, unlimited)
	assert.Empty(t, stderr)
}
