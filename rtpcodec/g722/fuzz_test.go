package g722_test

import (
	"encoding/binary"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/f0fce437/callrec/rtpcodec/g722"
	"github.com/stretchr/testify/require"
)

var updateSeeds = flag.Bool("update", false, "rewrite the generated fuzz seed corpora in testdata/fuzz")

// FuzzDecode feeds arbitrary payloads, cut into packets of which some are
// lost, to a decoder in any mode: it must not panic and must return exactly
// two samples per octet and n per concealment.
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, mode uint8, packet uint8, lossMask uint32, payload []byte) {
		dec := g722.NewDecoder(g722.Mode(mode%3 + 1))
		size := int(packet)%200 + 1
		var out []int16
		for p := 0; p*size < len(payload); p++ {
			pkt := payload[p*size : min(len(payload), (p+1)*size)]
			before := len(out)
			if lossMask>>(p%32)&1 == 1 {
				out = dec.Conceal(out, 2*len(pkt))
			} else {
				var err error
				out, err = dec.Decode(out, pkt)
				require.NoError(t, err)
			}
			require.Len(t, out, before+2*len(pkt))
		}
	})
}

// FuzzRoundTrip encodes arbitrary 16-bit audio and decodes it again.
func FuzzRoundTrip(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw []byte) {
		pcm := make([]int16, len(raw)/2)
		for i := range pcm {
			pcm[i] = int16(binary.LittleEndian.Uint16(raw[2*i:]))
		}
		codes := g722.NewEncoder().Encode(nil, pcm)
		require.Len(t, codes, len(pcm)/2)
		out, err := g722.NewDecoder(g722.Mode64).Decode(nil, codes)
		require.NoError(t, err)
		require.Len(t, out, 2*len(codes))
	})
}

// TestFuzzSeeds checks that the committed seed corpora are what this test
// generates, and rewrites them with -update: encoded tones and noise, a
// clipping square wave, the idle pattern, random octets and extreme inputs.
// Everything is generated here.
func TestFuzzSeeds(t *testing.T) {
	rng := rand.New(rand.NewPCG(722, 1))
	noise := make([]int16, 640)
	for i := range noise {
		noise[i] = int16(rng.IntN(65536) - 32768)
	}
	square := make([]int16, 640)
	for i := range square {
		square[i] = 32767
		if i/20%2 == 1 {
			square[i] = -32768
		}
	}
	idle := make([]byte, 160)
	for i := range idle {
		idle[i] = 0xFA
	}
	random := make([]byte, 320)
	for i := range random {
		random[i] = byte(rng.IntN(256))
	}
	decodeSeeds := []struct {
		name     string
		mode     uint8
		packet   uint8
		lossMask uint32
		payload  []byte
	}{
		{"tone", 0, 159, 0, g722.NewEncoder().Encode(nil, tone(1280, 440, 12000))},
		{"tone-lossy", 0, 159, 0b0110, g722.NewEncoder().Encode(nil, tone(1600, 1000, 20000))},
		{"noise-56k", 1, 79, 0b1000, g722.NewEncoder().Encode(nil, noise)},
		{"square-48k", 2, 39, 0b0101, g722.NewEncoder().Encode(nil, square)},
		{"idle", 0, 159, 0, idle},
		{"random", 0, 19, 0xAAAA, random},
		{"empty", 0, 0, 1, nil},
	}
	for _, s := range decodeSeeds {
		writeSeed(t, "FuzzDecode", s.name, s.mode, s.packet, s.lossMask, s.payload)
	}
	for _, s := range []struct {
		name string
		pcm  []int16
	}{
		{"tone", tone(320, 300, 30000)},
		{"noise", noise},
		{"square", square},
		{"odd", tone(7, 1000, 100)},
	} {
		raw := make([]byte, 2*len(s.pcm))
		for i, v := range s.pcm {
			binary.LittleEndian.PutUint16(raw[2*i:], uint16(v))
		}
		writeSeed(t, "FuzzRoundTrip", s.name, raw)
	}
}

// writeSeed writes one corpus file in the format of go test fuzz v1 with
// -update, and otherwise checks that the committed one has that content.
func writeSeed(t *testing.T, target, name string, args ...any) {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", target)
	text := "go test fuzz v1\n"
	for _, a := range args {
		switch v := a.(type) {
		case uint8:
			text += fmt.Sprintf("byte(%q)\n", v)
		case uint32:
			text += fmt.Sprintf("uint32(%d)\n", v)
		case []byte:
			text += fmt.Sprintf("[]byte(%q)\n", v)
		default:
			t.Fatalf("seed argument of type %T", a)
		}
	}
	path := filepath.Join(dir, name)
	if *updateSeeds {
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
		return
	}
	got, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -run TestFuzzSeeds -update to regenerate")
	require.Equal(t, text, string(got), "%s differs from what TestFuzzSeeds generates (-update rewrites it)", path)
}
