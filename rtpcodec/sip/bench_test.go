package sip_test

import (
	"testing"

	"github.com/f0fce437/callrec/rtpcodec/sip"
)

// benchStream is one direction of a SIP dialogue over TCP: an INVITE with
// SDP, an ACK, a re-INVITE and a BYE, 40 times over (about 32 KB).
func benchStream() []byte {
	one := invite("bench") + "ACK sip:b@x SIP/2.0\r\nCall-ID: bench\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n" +
		msg("INVITE sip:b@x SIP/2.0", "bench", "2 INVITE", sdpBody("192.0.2.1", 16390, "a=rtpmap:96 PCMU/8000\r\na=sendonly\r\n")) +
		"BYE sip:b@x SIP/2.0\r\nCall-ID: bench\r\nCSeq: 3 BYE\r\nl: 0\r\n\r\n"
	var s []byte
	for range 40 {
		s = append(s, one...)
	}
	return s
}

// BenchmarkReassembler frames the stream cut into segments of 536 bytes
// (the default TCP MSS): one op is one segment.
func BenchmarkReassembler(b *testing.B) {
	stream := benchStream()
	const mss = 536
	var r sip.Reassembler
	messages := 0
	deliver := func([]byte) { messages++ }
	b.SetBytes(mss)
	b.ReportAllocs()
	isn, pos := uint32(0), 0
	for b.Loop() {
		end := min(pos+mss, len(stream))
		r.Segment(tcpA, tcpB, isn+uint32(pos), stream[pos:end], deliver)
		pos = end
		if pos == len(stream) {
			isn += uint32(pos)
			pos = 0
		}
	}
	if messages == 0 {
		b.Fatal("no message framed")
	}
}

// BenchmarkParseMessages is the peer of BenchmarkReassembler: sip.Parse of
// the same stream's messages, already framed (what a UDP datagram costs),
// per 536 bytes.
func BenchmarkParseMessages(b *testing.B) {
	stream := benchStream()
	b.SetBytes(536)
	b.ReportAllocs()
	rest := stream
	done := 0
	for b.Loop() {
		for done < 536 {
			if len(rest) == 0 {
				rest = stream
			}
			_, next, err := sip.Parse(rest)
			if err != nil {
				b.Fatal(err)
			}
			done += len(rest) - len(next)
			rest = next
		}
		done -= 536
	}
}
