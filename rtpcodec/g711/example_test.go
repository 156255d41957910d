package g711_test

import (
	"fmt"

	"github.com/f0fce437/callrec/rtpcodec/g711"
)

func ExampleDecoder() {
	payload := []byte{0xD5, 0x55, 0x2A, 0xAA} // A-law wire codes
	dec := g711.NewDecoder(g711.ALaw)
	pcm, err := dec.Decode(nil, payload)
	fmt.Println(pcm, err)
	// Output: [8 -8 -32256 32256] <nil>
}
