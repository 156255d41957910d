package g722_test

import (
	"testing"
	"time"

	"github.com/f0fce437/callrec/rtpcodec/g722"
)

// benchPayload is 10 s of encoded speech-like audio (a tone sweep), decoded
// in 20 ms packets.
func benchPayload() []byte {
	pcm := make([]int16, 0, 10*g722.SampleRate)
	for f := 200.0; len(pcm) < cap(pcm); f += 300 {
		pcm = append(pcm, tone(g722.SampleRate/4, f, 8000)...)
	}
	return g722.NewEncoder().Encode(nil, pcm[:cap(pcm)])
}

// BenchmarkDecode reports ns/op for 10 s of audio and, as s/hour, the time
// one hour of audio (28.8 MB of payload) takes.
func BenchmarkDecode(b *testing.B) {
	payload := benchPayload()
	dec := g722.NewDecoder(g722.Mode64)
	out := make([]int16, 0, 2*packetOctets)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for p := 0; p < len(payload); p += packetOctets {
			out, _ = dec.Decode(out[:0], payload[p:p+packetOctets])
		}
	}
	perHour := b.Elapsed().Seconds() / float64(b.N) * float64(time.Hour/(10*time.Second))
	b.ReportMetric(perHour, "s/hour")
}

func BenchmarkEncode(b *testing.B) {
	pcm := make([]int16, 10*g722.SampleRate)
	copy(pcm, tone(len(pcm), 1000, 8000))
	enc := g722.NewEncoder()
	out := make([]byte, 0, 160)
	b.SetBytes(int64(2 * len(pcm)))
	b.ReportAllocs()
	for b.Loop() {
		for p := 0; p < len(pcm); p += 320 {
			out = enc.Encode(out[:0], pcm[p:p+320])
		}
	}
}

// BenchmarkConceal measures one lost 20 ms packet and the packet after it.
func BenchmarkConceal(b *testing.B) {
	payload := benchPayload()[:2*packetOctets]
	dec := g722.NewDecoder(g722.Mode64)
	out := make([]int16, 0, 4*packetOctets)
	b.ReportAllocs()
	for b.Loop() {
		out, _ = dec.Decode(out[:0], payload[:packetOctets])
		out = dec.Conceal(out, 2*packetOctets)
	}
}
