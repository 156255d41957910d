package g722_test

import (
	"fmt"
	"math"

	"github.com/f0fce437/callrec/rtpcodec/g722"
)

// Decode the payloads of a G.722 RTP stream, standing in for a lost packet.
func ExampleDecoder() {
	// A 20 ms packet of a 1 kHz tone, as a phone would send it.
	pcm := make([]int16, 320)
	for i := range pcm {
		pcm[i] = int16(8000 * math.Sin(2*math.Pi*1000*float64(i)/g722.SampleRate))
	}
	payload := g722.NewEncoder().Encode(nil, pcm)

	dec := g722.NewDecoder(g722.Mode64)
	var out []int16
	out, _ = dec.Decode(out, payload)      // received
	out = dec.Conceal(out, 2*len(payload)) // lost: 160 octets, 320 samples
	out, _ = dec.Decode(out, payload)      // received again
	fmt.Println(len(payload), "octets per packet,", len(out), "samples for 60 ms")
	// Output: 160 octets per packet, 960 samples for 60 ms
}

// An RTP timestamp advance converts to samples with SamplesPerOctet, not
// with the RTP clock rate alone.
func Example_timestamps() {
	tsAdvance := 160 // one 20 ms packet
	fmt.Printf("%s/%d, PT %d: %d samples at %d Hz\n",
		g722.EncodingName, g722.ClockRate, g722.PayloadType, tsAdvance*g722.SamplesPerOctet, g722.SampleRate)
	// Output: G722/8000, PT 9: 320 samples at 16000 Hz
}
