package g711_test

import (
	"testing"

	"github.com/f0fce437/callrec/rtpcodec/g711"
)

// FuzzDecode feeds arbitrary payloads, cut into packets of which some are
// lost, to a decoder of either law: it must not panic, must return one
// sample per octet and n per concealment, and concealment must never be
// louder than the loudest sample decoded before it.
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, muLaw bool, packet uint8, lossMask uint32, payload []byte) {
		law := g711.ALaw
		if muLaw {
			law = g711.MuLaw
		}
		dec := g711.NewDecoder(law)
		size := int(packet)%240 + 1
		var out []int16
		peak := 0
		for p := 0; p*size < len(payload); p++ {
			pkt := payload[p*size : min(len(payload), (p+1)*size)]
			before := len(out)
			if lossMask>>(p%32)&1 == 1 {
				out = dec.Conceal(out, len(pkt))
				for i, v := range out[before:] {
					if abs(int(v)) > peak {
						t.Fatalf("concealed sample %d is %d, louder than the audio's peak %d", before+i, v, peak)
					}
				}
			} else {
				var err error
				out, err = dec.Decode(out, pkt)
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range out[before:] {
					peak = max(peak, abs(int(v)))
				}
			}
			if len(out) != before+len(pkt) {
				t.Fatalf("packet %d of %d bytes gave %d samples", p, len(pkt), len(out)-before)
			}
		}
	})
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
