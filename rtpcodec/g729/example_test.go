package g729_test

import (
	"bytes"
	"fmt"

	"github.com/f0fce437/callrec/rtpcodec/g729"
)

// A stream's RTP payloads are decoded in timeline order: Decode for what
// arrived, Untransmitted for a DTX pause (timestamp jump without a sequence
// gap), Conceal for a loss (sequence gap).
func Example() {
	d, err := g729.NewDecoder(g729.Config{})
	if err != nil {
		panic(err)
	}
	var pcm []int16
	two := make([]byte, 2*g729.SpeechFrameSize) // two speech frames
	pcm, err = d.Decode(pcm, two)
	if err != nil {
		panic(err)
	}
	sid := []byte{0x12, 0x34} // one Annex B SID frame
	pcm, _ = d.Decode(pcm, sid)
	pcm = d.Untransmitted(pcm, 3*g729.FrameSamples) // 30 ms of DTX
	pcm = d.Conceal(pcm, g729.FrameSamples)         // one lost packet
	fmt.Println(len(pcm), "samples at", g729.SampleRate, "Hz")
	// Output: 560 samples at 8000 Hz
}

// The ITU serial format of the test vectors is read frame by frame.
func ExampleSerialReader() {
	// One untransmitted frame followed by an erased one.
	stream := []byte{0x21, 0x6b, 0, 0, 0x20, 0x6b, 0, 0}
	r := g729.NewSerialReader(bytes.NewReader(stream))
	var f g729.Frame
	for r.Next(&f) == nil {
		fmt.Println(f.Type)
	}
	// Output:
	// untransmitted
	// erased
}

// The Annex A decoder is a variant of the same Decoder: most phones encode
// with Annex A, and its output is what they expect. A variant can come from
// a name, as a command-line flag gives it.
func ExampleNewDecoder_annexA() {
	v, err := g729.ParseVariant("annexa")
	if err != nil {
		panic(err)
	}
	d, err := g729.NewDecoder(g729.Config{Variant: v})
	if err != nil {
		panic(err)
	}
	pcm, err := d.Decode(nil, make([]byte, g729.SpeechFrameSize))
	fmt.Println(v, len(pcm), err)
	// Output: annexa 80 <nil>
}
