package sip_test

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/f0fce437/callrec/rtpcodec/sip"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	tcpA = netip.MustParseAddrPort("192.0.2.1:50123")
	tcpB = netip.MustParseAddrPort("192.0.2.2:5060")
)

// seg is one TCP segment of a test: bytes [from, to) of the stream, sent
// from src to dst (tcpA → tcpB when zero).
type seg struct {
	from, to int
	src, dst netip.AddrPort
}

// feed sends the segments of stream (whose first byte has sequence number
// isn) and returns the messages delivered, in order.
func feed(t *testing.T, r *sip.Reassembler, isn uint32, stream string, segs []seg) []string {
	t.Helper()
	var got []string
	for _, s := range segs {
		src, dst := s.src, s.dst
		if !src.IsValid() {
			src, dst = tcpA, tcpB
		}
		r.Segment(src, dst, isn+uint32(s.from), []byte(stream[s.from:s.to]), func(m []byte) {
			got = append(got, string(m))
		})
	}
	return got
}

func invite(callID string) string {
	return msg("INVITE sip:b@x SIP/2.0", callID, "1 INVITE", sdpBody("192.0.2.1", 16386, "a=rtpmap:96 PCMU/8000\r\n"))
}

func TestReassembler(t *testing.T) {
	m1, m2 := invite("one"), msg("SIP/2.0 200 OK", "one", "1 INVITE", sdpBody("192.0.2.2", 30000, ""))
	m3 := "ACK sip:b@x SIP/2.0\r\nCall-ID: one\r\n\r\n" // no Content-Length: no body
	stream := m1 + m2 + m3
	a, b := len(m1), len(m1)+len(m2)
	tests := []struct {
		name  string
		isn   uint32
		segs  []seg
		want  []string
		stats sip.ReassemblyStats
	}{
		{name: "one message per segment", segs: []seg{{0, a, tcpA, tcpB}, {a, b, tcpA, tcpB}, {b, len(stream), tcpA, tcpB}},
			want: []string{m1, m2, m3}},
		{name: "all in one segment", segs: []seg{{from: 0, to: len(stream)}}, want: []string{m1, m2, m3}},
		{name: "split in three, the last carrying the next message's start",
			segs: []seg{{from: 0, to: 40}, {from: 40, to: a - 30}, {from: a - 30, to: a + 20}, {from: a + 20, to: len(stream)}},
			want: []string{m1, m2, m3}},
		{name: "split inside the CR LF ending the headers",
			segs: []seg{{from: 0, to: strings.Index(m1, "\r\n\r\n") + 3}, {from: strings.Index(m1, "\r\n\r\n") + 3, to: len(stream)}},
			want: []string{m1, m2, m3}},
		{name: "retransmission and overlap are trimmed",
			segs: []seg{{from: 0, to: 100}, {from: 0, to: 100}, {from: 50, to: a + 10}, {from: 100, to: a}, {from: a + 10, to: len(stream)}},
			want: []string{m1, m2, m3}},
		{name: "sequence numbers wrap", isn: 1<<32 - 60,
			segs: []seg{{from: 0, to: 40}, {from: 30, to: 80}, {from: 80, to: len(stream)}},
			want: []string{m1, m2, m3}},
		{name: "a lost segment drops the partial message and resyncs at the next message",
			segs:  []seg{{from: 0, to: 100}, {from: 150, to: a + 10}, {from: a + 10, to: b}, {from: b, to: len(stream)}},
			want:  []string{m3},
			stats: sip.ReassemblyStats{Gaps: 1}},
		{name: "a reordered segment is a gap; resync at a message start",
			segs:  []seg{{from: 0, to: 100}, {from: a, to: b}, {from: 100, to: a}, {from: b, to: len(stream)}},
			want:  []string{m2, m3},
			stats: sip.ReassemblyStats{Gaps: 1}},
		{name: "the first segment seen is mid-message", segs: []seg{{from: 10, to: a}, {from: a, to: len(stream)}},
			want: []string{m2, m3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r sip.Reassembler
			got := feed(t, &r, tc.isn, stream, tc.segs)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.stats, r.Stats())
		})
	}
}

func TestReassemblerFraming(t *testing.T) {
	ack := "ACK sip:b@x SIP/2.0\r\nCall-ID: x\r\n\r\n"
	tests := []struct {
		name  string
		data  string
		want  []string
		stats sip.ReassemblyStats
	}{
		{name: "CR LF keep-alives between messages", data: "\r\n\r\n" + ack + "\r\n\r\n" + ack, want: []string{ack, ack}},
		{name: "compact l and bare LF", data: "SIP/2.0 200 OK\nl: 3\n\nabcSIP/2.0 180 Ringing\nl:0\n\n",
			want: []string{"SIP/2.0 200 OK\nl: 3\n\nabc", "SIP/2.0 180 Ringing\nl:0\n\n"}},
		{name: "garbage after a message", data: ack + "HTTP/1.1 200 OK\r\n\r\n" + ack, want: []string{ack},
			stats: sip.ReassemblyStats{Malformed: 1}},
		{name: "an unfinished message waits", data: ack + "BYE sip:b@x SIP/2.0\r\nContent-Length: 10\r\n\r\nabc", want: []string{ack}},
		{name: "not SIP at all", data: "GET / HTTP/1.1\r\n\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r sip.Reassembler
			got := feed(t, &r, 7, tc.data, []seg{{from: 0, to: len(tc.data)}})
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.stats, r.Stats())
		})
	}
}

func TestReassemblerLimits(t *testing.T) {
	t.Run("a message larger than MaxMessage is dropped", func(t *testing.T) {
		big, small := invite("big"), "ACK sip:b@x SIP/2.0\r\nl: 0\r\n\r\n"
		r := sip.Reassembler{MaxMessage: len(big) - 1}
		stream := big + small
		got := feed(t, &r, 0, stream, []seg{{from: 0, to: 50}, {from: 50, to: len(big)}, {from: len(big), to: len(stream)}})
		assert.Equal(t, []string{small}, got)
		assert.Equal(t, sip.ReassemblyStats{Oversized: 1}, r.Stats())
	})
	t.Run("headers without end are dropped at MaxMessage", func(t *testing.T) {
		r := sip.Reassembler{MaxMessage: 100}
		endless := "INVITE sip:b@x SIP/2.0\r\n" + strings.Repeat("X-Pad: 0123456789\r\n", 10)
		got := feed(t, &r, 0, endless, []seg{{from: 0, to: 60}, {from: 60, to: len(endless)}})
		assert.Empty(t, got)
		assert.Equal(t, sip.ReassemblyStats{Oversized: 1}, r.Stats())
	})
	t.Run("a Content-Length beyond MaxMessage is refused at once", func(t *testing.T) {
		r := sip.Reassembler{MaxMessage: 1000}
		got := feed(t, &r, 0, "SIP/2.0 200 OK\r\nContent-Length: 99999999\r\n\r\n", []seg{{from: 0, to: 44}})
		assert.Empty(t, got)
		assert.Equal(t, sip.ReassemblyStats{Oversized: 1}, r.Stats())
	})
	t.Run("a segment larger than MaxMessage holding whole messages is taken whole", func(t *testing.T) {
		ack := "ACK sip:b@x SIP/2.0\r\nl: 0\r\n\r\n"
		r := sip.Reassembler{MaxMessage: 3 * len(ack) / 2}
		stream := strings.Repeat(ack, 20)
		got := feed(t, &r, 0, stream, []seg{{from: 0, to: len(stream)/2 + 3}, {from: len(stream)/2 + 3, to: len(stream)}})
		assert.Len(t, got, 20)
		assert.Equal(t, sip.ReassemblyStats{}, r.Stats())
	})
	t.Run("a new connection on the same ports with an initial sequence number behind", func(t *testing.T) {
		var r sip.Reassembler
		m := invite("again")
		var got []string
		for _, isn := range []uint32{1 << 30, 1<<30 - 5<<20} {
			got = append(got, feed(t, &r, isn, m, []seg{{from: 0, to: 100}, {from: 100, to: len(m)}})...)
		}
		assert.Equal(t, []string{m, m}, got)
		assert.Equal(t, sip.ReassemblyStats{Gaps: 1}, r.Stats())
	})
	t.Run("the least recently used direction is evicted beyond MaxFlows", func(t *testing.T) {
		r := sip.Reassembler{MaxFlows: 2}
		m := invite("x")
		ends := make([]netip.AddrPort, 3)
		for i := range ends {
			ends[i] = netip.AddrPortFrom(tcpA.Addr(), uint16(40000+i))
		}
		// Three directions each send half a message; the first is evicted
		// by the third, so only the second and third complete.
		var segs []seg
		for _, e := range ends {
			segs = append(segs, seg{0, 100, e, tcpB})
		}
		for _, e := range ends {
			segs = append(segs, seg{100, len(m), e, tcpB})
		}
		got := feed(t, &r, 0, m, segs)
		assert.Equal(t, []string{m, m}, got)
		assert.Equal(t, 2, r.Flows())
		assert.Equal(t, 1, r.Stats().Evicted)
	})
	t.Run("other TCP traffic opens no direction", func(t *testing.T) {
		var r sip.Reassembler
		for i := range 100 {
			src := netip.AddrPortFrom(tcpA.Addr(), uint16(1000+i))
			r.Segment(src, tcpB, 1, []byte("GET / HTTP/1.1\r\n\r\n"), func([]byte) { t.Fatal("delivered") })
		}
		assert.Zero(t, r.Flows())
	})
}

// TestReassemblerAllocs: once its directions are open, a call carried over
// TCP in segments costs no allocation.
func TestReassemblerAllocs(t *testing.T) {
	stream := []byte(invite("alloc") + msg("SIP/2.0 200 OK", "alloc", "1 INVITE", sdpBody("192.0.2.2", 30000, "")))
	var r sip.Reassembler
	var isn uint32
	n := 0
	run := func() {
		for i := 0; i < len(stream); i += 100 {
			r.Segment(tcpA, tcpB, isn+uint32(i), stream[i:min(i+100, len(stream))], func([]byte) { n++ })
		}
		isn += uint32(len(stream))
	}
	run()
	allocs := testing.AllocsPerRun(100, run)
	assert.Zero(t, allocs)
	require.Equal(t, 2*102, n, "two messages a run: one before, one warm-up, 100 measured")
}

func TestSignallingAddTCP(t *testing.T) {
	caller, callee := tcpA, tcpB
	inv := invite("tcp")
	var s sip.Signalling
	cut := strings.Index(inv, "a=rtpmap:96")
	assert.Zero(t, s.AddTCP(caller, callee, 1000, []byte(inv[:cut])))
	assert.Equal(t, 1, s.AddTCP(caller, callee, 1000+uint32(cut), []byte(inv[cut:])))
	assert.Equal(t, 1, s.Messages())
	f, ok := s.Format(netip.MustParseAddrPort("192.0.2.2:30000"), netip.MustParseAddrPort("192.0.2.1:16386"), 96)
	require.True(t, ok, "the rtpmap in the second segment is read")
	assert.Equal(t, "PCMU", f.Name)
	assert.Equal(t, []netip.AddrPort{netip.MustParseAddrPort("192.0.2.1:16386")}, s.CallerMedia())
	assert.Equal(t, sip.ReassemblyStats{}, s.TCPStats())
}

func ExampleReassembler() {
	msg := "SIP/2.0 200 OK\r\nCall-ID: c\r\nContent-Length: 5\r\n\r\nhello" + "BYE sip:b@x SIP/2.0\r\nl: 0\r\n\r\n"
	src, dst := netip.MustParseAddrPort("192.0.2.1:5060"), netip.MustParseAddrPort("192.0.2.2:40000")
	var r sip.Reassembler
	for _, cut := range [][2]int{{0, 30}, {30, 60}, {60, len(msg)}} {
		r.Segment(src, dst, 1_000_000+uint32(cut[0]), []byte(msg[cut[0]:cut[1]]), func(m []byte) {
			fmt.Printf("%q\n", m)
		})
	}
	// Output:
	// "SIP/2.0 200 OK\r\nCall-ID: c\r\nContent-Length: 5\r\n\r\nhello"
	// "BYE sip:b@x SIP/2.0\r\nl: 0\r\n\r\n"
}

// FuzzReassembler cuts a byte stream into TCP segments as plan says (with
// retransmissions and overlaps, in order) and checks that the messages
// framed are those the whole stream in one segment gives, then feeds the
// segments again with gaps across several directions under small limits.
func FuzzReassembler(f *testing.F) {
	f.Add(uint64(1), []byte(invite("f")+"ACK sip:b@x SIP/2.0\r\nl: 0\r\n\r\n"))
	f.Add(uint64(0xdeadbeef_00000007), []byte("\r\nSIP/2.0 200 OK\nl: 3\n\nabcBYE sip:x SIP/2.0\n\n"))
	f.Add(uint64(42), []byte("SIP/2.0 200 OK\r\nContent-Length: 5\r\nContent-Length: x\r\n\r\nhelloSIP/2.0 180 R\r\n\r\n"))
	f.Fuzz(func(t *testing.T, plan uint64, stream []byte) {
		rng := plan | 1
		random := func(n int) int {
			rng ^= rng << 13
			rng ^= rng >> 7
			rng ^= rng << 17
			return int(rng % uint64(n))
		}
		isn := uint32(plan >> 32)
		const maxMessage = 512
		check := func(m []byte) {
			if len(m) > maxMessage {
				t.Fatalf("delivered %d bytes > MaxMessage", len(m))
			}
			if _, rest, err := sip.Parse(m); err == nil && len(rest) != 0 {
				t.Fatalf("Parse of a framed message left %q", rest)
			}
		}
		collect := func(r *sip.Reassembler, got *[]string, seq uint32, b []byte) {
			r.Segment(tcpA, tcpB, seq, b, func(m []byte) { check(m); *got = append(*got, string(m)) })
		}

		whole := sip.Reassembler{MaxMessage: maxMessage}
		var want []string
		collect(&whole, &want, isn, stream)

		// The first segment holds the whole start line, so that the cut
		// stream starts where the whole one does.
		first := len(stream)
		if lf := bytes.IndexByte(bytes.TrimLeft(stream, "\r\n"), '\n'); lf >= 0 {
			first = len(stream) - len(bytes.TrimLeft(stream, "\r\n")) + lf + 1
		}
		cut := sip.Reassembler{MaxMessage: maxMessage}
		var got []string
		type piece struct{ from, to int }
		var pieces []piece
		for pos := 0; pos < len(stream); {
			from, to := pos, min(pos+1+random(96), len(stream))
			if pos == 0 {
				to = max(to, first)
			} else if random(4) == 0 {
				from = pos - random(min(pos, 40)+1) // a retransmission or an overlap
			}
			pieces = append(pieces, piece{from, to})
			collect(&cut, &got, isn+uint32(from), stream[from:to])
			pos = max(pos, to)
		}
		if len(want) > 0 && whole.Stats() == (sip.ReassemblyStats{}) {
			assert.Equal(t, want, got, "cut into %v", pieces)
			assert.Equal(t, sip.ReassemblyStats{}, cut.Stats())
		}

		// Gaps, reordering and several directions: only the invariants.
		lossy := sip.Reassembler{MaxFlows: 2, MaxMessage: maxMessage}
		for range 2 * len(pieces) {
			p := pieces[random(len(pieces))]
			src := netip.AddrPortFrom(tcpA.Addr(), uint16(1+random(3)))
			lossy.Segment(src, tcpB, isn+uint32(p.from), stream[p.from:p.to], check)
			if lossy.Flows() > 2 {
				t.Fatalf("%d flows followed, MaxFlows 2", lossy.Flows())
			}
		}
	})
}
