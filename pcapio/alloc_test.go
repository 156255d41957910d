package pcapio_test

import (
	"bytes"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/pcapio"
)

// TestNextDoesNotAllocate proves the hot path allocation-free: once warm,
// Next reuses the record buffer, the layers and the reassembly slots.
func TestNextDoesNotAllocate(t *testing.T) {
	const n = 3000
	rtp := payload(172, 1)
	eth := pcapio.FrameOptions{LinkType: pcapio.LinkEthernet}
	classic := func(opts pcapio.FrameOptions, src, dst netip.AddrPort, p []byte) []byte {
		return pcapFile(t, pcapio.WriterOptions{FrameOptions: opts}, func(w *pcapio.Writer) {
			for i := range n {
				require.NoError(t, w.WriteUDP(t0.Add(time.Duration(i)*20*time.Millisecond), src, dst, p))
			}
		})
	}
	ng := func(in pcapio.NgInterface) []byte {
		return ngFile(t, pcapio.NgWriterOptions{Interfaces: []pcapio.NgInterface{in}}, func(w *pcapio.NgWriter) {
			for i := range n {
				require.NoError(t, w.WriteUDP(0, t0.Add(time.Duration(i)*20*time.Millisecond), addr4, peer4, rtp))
			}
		})
	}
	cases := []struct {
		name string
		data []byte
	}{
		{"pcap-ethernet-ipv4", classic(eth, addr4, peer4, rtp)},
		{"pcap-qinq-ipv6", classic(pcapio.FrameOptions{LinkType: pcapio.LinkEthernet, VLANs: []uint16{2, 3}}, addr6, peer6, rtp)},
		{"pcap-sll2", classic(pcapio.FrameOptions{LinkType: pcapio.LinkLinuxSLL2}, addr4, peer4, rtp)},
		{"pcap-null", classic(pcapio.FrameOptions{LinkType: pcapio.LinkNull}, addr4, peer4, rtp)},
		{"pcap-ipv4-fragments", classic(pcapio.FrameOptions{LinkType: pcapio.LinkEthernet, MTU: 1500}, addr4, peer4, payload(3000, 2))},
		{"pcap-ipv6-fragments", classic(pcapio.FrameOptions{LinkType: pcapio.LinkEthernet, MTU: 1280}, addr6, peer6, payload(3000, 2))},
		{"pcapng-ethernet", ng(pcapio.NgInterface{FrameOptions: eth, TsResol: 9})},
		{"pcapng-simple-packets", ng(pcapio.NgInterface{FrameOptions: eth, Simple: true})},
		{"pcapng-sll2", ng(pcapio.NgInterface{FrameOptions: pcapio.FrameOptions{LinkType: pcapio.LinkLinuxSLL2}})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := pcapio.NewReader(bytes.NewReader(c.data))
			require.NoError(t, err)
			var p pcapio.Packet
			for range 10 {
				require.NoError(t, r.Next(&p))
			}
			var failed error
			allocs := testing.AllocsPerRun(n/2, func() {
				if err := r.Next(&p); err != nil {
					failed = err
				}
			})
			require.NoError(t, failed)
			assert.Zero(t, allocs, "allocations per packet")
		})
	}
}
