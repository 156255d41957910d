package sip

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestReassemblerBufferBound: hostile segments (a start line followed by
// 256 KiB without an end of headers, on more directions than MaxFlows) never
// make a buffer's capacity exceed MaxMessage nor the directions MaxFlows.
func TestReassemblerBufferBound(t *testing.T) {
	r := Reassembler{MaxFlows: 4, MaxMessage: 10_000}
	hostile := append([]byte("INVITE sip:b@x SIP/2.0\r\n"), bytes.Repeat([]byte("X"), 256<<10)...)
	dst := netip.MustParseAddrPort("192.0.2.2:5060")
	for i := range 10 {
		src := netip.AddrPortFrom(netip.MustParseAddr("192.0.2.1"), uint16(1000+i))
		r.Segment(src, dst, 0, hostile, func([]byte) { t.Fatal("delivered") })
		r.Segment(src, dst, uint32(len(hostile)), hostile[:5000], func([]byte) { t.Fatal("delivered") })
	}
	assert.Len(t, r.flows, 4)
	for k, f := range r.flows {
		assert.LessOrEqual(t, cap(f.buf), r.MaxMessage, "%v", k)
	}
	assert.Equal(t, ReassemblyStats{Oversized: 10, Evicted: 6}, r.Stats())
}
