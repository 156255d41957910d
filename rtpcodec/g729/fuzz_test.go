package g729_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/f0fce437/callrec/rtpcodec/g729"
)

// Every fuzz target runs its input through each variant: the main body and
// Annex A share most stages but not the post-filter and the concealment.

// FuzzDecode feeds arbitrary RTP payloads: decoding never panics and yields
// exactly 80 samples per whole frame.
func FuzzDecode(f *testing.F) {
	f.Add(make([]byte, 10))
	f.Add(make([]byte, 22))
	f.Add([]byte{0xff, 0xff})
	f.Fuzz(func(t *testing.T, payload []byte) {
		for _, v := range variants {
			d, err := g729.NewDecoder(g729.Config{Variant: v})
			if err != nil {
				t.Fatal(err)
			}
			for range 3 { // repeat to drive the state further
				out, err := d.Decode(nil, payload)
				frames := len(payload) / g729.SpeechFrameSize
				if len(payload)%g729.SpeechFrameSize == g729.SIDFrameSize {
					frames++
				}
				if err == nil && len(out) != frames*g729.FrameSamples {
					t.Fatalf("%v, %d bytes: %d samples", v, len(payload), len(out))
				}
				if err != nil && len(out) != len(payload)/g729.SpeechFrameSize*g729.FrameSamples {
					t.Fatalf("%v, %d bytes (error %v): %d samples", v, len(payload), err, len(out))
				}
			}
		}
	})
}

// FuzzFrames interprets the input as a sequence of frames of every type
// (one type byte, then the frame's bits), exercising the transitions between
// speech, SID, DTX and erasures.
func FuzzFrames(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 0xa5, 0x5a, 2, 3, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9})
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, v := range variants {
			d, err := g729.NewDecoder(g729.Config{Variant: v})
			if err != nil {
				t.Fatal(err)
			}
			var out []int16
			n := 0
			for p := in; len(p) > 0; {
				var fr g729.Frame
				fr.Type = g729.FrameType(p[0] % 4)
				p = p[1:]
				k := copy(fr.Bits[:], p)
				p = p[k:]
				out = d.DecodeFrame(out[:0], &fr)
				n++
				if len(out) != g729.FrameSamples {
					t.Fatalf("%v, frame %d: %d samples", v, n, len(out))
				}
			}
			out = d.Conceal(out[:0], 100)
			out = d.Untransmitted(out, 100)
			if len(out) != 200 {
				t.Fatalf("%v, fill: %d samples", v, len(out))
			}
		}
	})
}

// FuzzSerialReader feeds arbitrary bytes to the serial bit-stream reader: it
// returns frames or a clear error, never panics, and decodes what it reads.
func FuzzSerialReader(f *testing.F) {
	f.Add([]byte{0x21, 0x6b, 0, 0})
	f.Add([]byte{0x20, 0x6b, 0, 0, 0x21, 0x6b, 16, 0})
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, v := range variants {
			d, err := g729.NewDecoder(g729.Config{Variant: v})
			if err != nil {
				t.Fatal(err)
			}
			r := g729.NewSerialReader(bytes.NewReader(in))
			var fr g729.Frame
			for {
				err := r.Next(&fr)
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					if !errors.Is(err, g729.ErrSerialFormat) && !errors.Is(err, io.ErrUnexpectedEOF) {
						t.Fatalf("unexpected error %v", err)
					}
					break
				}
				if out := d.DecodeFrame(nil, &fr); len(out) != g729.FrameSamples {
					t.Fatalf("%v: %d samples", v, len(out))
				}
			}
		}
	})
}
