package pcapio_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/pcapio"
)

// linkCases are the link layers the writer produces and the reader decodes.
var linkCases = []struct {
	name     string
	opts     pcapio.FrameOptions
	v4, v6   bool
	linkType uint32 // the header's number, when not opts.LinkType
}{
	{name: "ethernet", opts: pcapio.FrameOptions{LinkType: pcapio.LinkEthernet}, v4: true, v6: true},
	{name: "vlan", opts: pcapio.FrameOptions{LinkType: pcapio.LinkEthernet, VLANs: []uint16{100}}, v4: true, v6: true},
	{name: "qinq", opts: pcapio.FrameOptions{LinkType: pcapio.LinkEthernet, VLANs: []uint16{200, 100}}, v4: true, v6: true},
	{name: "triple-tag", opts: pcapio.FrameOptions{LinkType: pcapio.LinkEthernet, VLANs: []uint16{300, 200, 100}}, v4: true, v6: true},
	{name: "sll", opts: pcapio.FrameOptions{LinkType: pcapio.LinkLinuxSLL}, v4: true, v6: true},
	{name: "sll2", opts: pcapio.FrameOptions{LinkType: pcapio.LinkLinuxSLL2}, v4: true, v6: true},
	{name: "null", opts: pcapio.FrameOptions{LinkType: pcapio.LinkNull}, v4: true, v6: true},
	{name: "loop", opts: pcapio.FrameOptions{LinkType: pcapio.LinkLoop}, v4: true, v6: true},
	{name: "raw-101", opts: pcapio.FrameOptions{LinkType: pcapio.LinkRaw}, v4: true, v6: true},
	{name: "raw-12", opts: pcapio.FrameOptions{LinkType: 12}, v4: true, v6: true},
	{name: "raw-14", opts: pcapio.FrameOptions{LinkType: 14}, v4: true, v6: true},
	{name: "ipv4-228", opts: pcapio.FrameOptions{LinkType: pcapio.LinkIPv4}, v4: true},
	{name: "ipv6-229", opts: pcapio.FrameOptions{LinkType: pcapio.LinkIPv6}, v6: true},
}

// fileFormats are the classic pcap variants.
var fileFormats = []struct {
	name       string
	bigEndian  bool
	nanosecond bool
}{
	{"le-us", false, false},
	{"le-ns", false, true},
	{"be-us", true, false},
	{"be-ns", true, true},
}

// tcpSeq is the sequence number of traffic's TCP segment.
const tcpSeq = 0xFEDC_BA98

// traffic writes a short two-way exchange: RTP-sized UDP both ways, a UDP
// datagram to 5060 and to 4789 (ports gopacket would decode as SIP and
// VXLAN), and a TCP segment; it returns what a reader must yield.
func traffic(src, dst netip.AddrPort, write func(t time.Time, proto pcapio.Proto, src, dst netip.AddrPort, payload []byte)) []got {
	sip := netip.AddrPortFrom(dst.Addr(), 5060)
	vxlan := netip.AddrPortFrom(dst.Addr(), 4789)
	var want []got
	add := func(t time.Time, proto pcapio.Proto, s, d netip.AddrPort, p []byte) {
		write(t, proto, s, d, p)
		g := got{Time: t, Proto: proto, Src: s, Dst: d, Payload: string(p)}
		if proto == pcapio.TCP {
			g.Seq = tcpSeq
		}
		want = append(want, g)
	}
	add(t0, pcapio.UDP, src, dst, payload(172, 1))
	add(t0.Add(20*time.Millisecond+7), pcapio.UDP, dst, src, payload(172, 2))
	add(t0.Add(40*time.Millisecond+300), pcapio.UDP, src, sip, []byte("\x80\x08\x00\x01RTP-on-5060"))
	add(t0.Add(60*time.Millisecond+9999), pcapio.UDP, src, vxlan, []byte("\x80\x08\x00\x02RTP-on-4789"))
	add(t0.Add(80*time.Millisecond), pcapio.TCP, src, sip, []byte("INVITE sip:1@example.org SIP/2.0\r\n\r\n"))
	add(t0.Add(time.Hour), pcapio.UDP, dst, src, nil)
	return want
}

func TestReadClassicPcap(t *testing.T) {
	for _, lc := range linkCases {
		for _, ff := range fileFormats {
			for _, family := range []string{"ipv4", "ipv6"} {
				if family == "ipv4" && !lc.v4 || family == "ipv6" && !lc.v6 {
					continue
				}
				t.Run(lc.name+"/"+ff.name+"/"+family, func(t *testing.T) {
					src, dst := addr4, peer4
					if family == "ipv6" {
						src, dst = addr6, peer6
					}
					var want []got
					data := pcapFile(t, pcapio.WriterOptions{FrameOptions: lc.opts, BigEndian: ff.bigEndian, Nanosecond: ff.nanosecond},
						func(w *pcapio.Writer) {
							want = traffic(src, dst, func(ts time.Time, proto pcapio.Proto, s, d netip.AddrPort, p []byte) {
								if proto == pcapio.UDP {
									require.NoError(t, w.WriteUDP(ts, s, d, p))
								} else {
									require.NoError(t, w.WriteTCP(ts, s, d, tcpSeq, p))
								}
							})
						})
					if !ff.nanosecond {
						for i := range want {
							want[i].Time = want[i].Time.Truncate(time.Microsecond)
						}
					}
					pkts, st := mustReadAll(t, data)
					assert.Equal(t, want, pkts)
					assert.Equal(t, pcapio.Stats{Records: 6, UDP: 5, TCP: 1}, st)
				})
			}
		}
	}
}

func TestReadPcapng(t *testing.T) {
	eth := pcapio.FrameOptions{LinkType: pcapio.LinkEthernet}
	t.Run("interfaces-with-own-link-types-and-resolutions", func(t *testing.T) {
		for _, bigEndian := range []bool{false, true} {
			t.Run(fmt.Sprintf("big-endian=%v", bigEndian), func(t *testing.T) {
				ifaces := []pcapio.NgInterface{
					{FrameOptions: eth}, // µs (no option)
					{FrameOptions: pcapio.FrameOptions{LinkType: pcapio.LinkLinuxSLL2}, TsResol: 9},    // ns
					{FrameOptions: pcapio.FrameOptions{LinkType: pcapio.LinkIPv6}, TsResol: 3},         // ms
					{FrameOptions: pcapio.FrameOptions{LinkType: pcapio.LinkNull}, TsResol: 0x80 | 10}, // 2^-10 s
					{FrameOptions: pcapio.FrameOptions{LinkType: pcapio.LinkEthernet, VLANs: []uint16{7, 8}}, TsResol: 6},
				}
				units := []time.Duration{time.Microsecond, time.Nanosecond, time.Millisecond, 0, time.Microsecond}
				// 2^-10 s units: the writer floors to a unit, pcapgo scales
				// units back by the integer 1e9/1024 (a few ns short).
				binaryTime := func(ts time.Time) time.Time {
					frac := int64(ts.Nanosecond()) * 1024 / 1e9
					return time.Unix(ts.Unix(), frac*1e9/1024).UTC()
				}
				var want []got
				data := ngFile(t, pcapio.NgWriterOptions{Interfaces: ifaces, BigEndian: bigEndian}, func(w *pcapio.NgWriter) {
					for i := range ifaces {
						src, dst := addr4, peer4
						if ifaces[i].LinkType == pcapio.LinkIPv6 {
							src, dst = addr6, peer6
						}
						ts := t0.Add(time.Duration(i) * time.Second)
						p := payload(160+i, byte(i))
						require.NoError(t, w.WriteUDP(i, ts, src, dst, p))
						if units[i] != 0 {
							ts = ts.Truncate(units[i])
						}
						want = append(want, got{Time: ts, Proto: pcapio.UDP, Src: src, Dst: dst, Payload: string(p)})
					}
				})
				pkts, st := mustReadAll(t, data)
				require.Len(t, pkts, len(want))
				for i := range want {
					if units[i] == 0 {
						assert.WithinDuration(t, binaryTime(want[i].Time), pkts[i].Time, 100*time.Nanosecond, "interface %d", i)
						pkts[i].Time = want[i].Time
					}
					assert.Equal(t, want[i], pkts[i], "interface %d", i)
				}
				assert.Equal(t, uint64(len(want)), st.UDP)
			})
		}
	})

	t.Run("simple-packet-blocks-take-the-previous-time", func(t *testing.T) {
		ifaces := []pcapio.NgInterface{{FrameOptions: eth, Simple: true}, {FrameOptions: eth}}
		data := ngFile(t, pcapio.NgWriterOptions{Interfaces: ifaces}, func(w *pcapio.NgWriter) {
			require.NoError(t, w.WriteUDP(0, t0, addr4, peer4, []byte("spb-first")))
			require.NoError(t, w.WriteUDP(1, t0, addr4, peer4, []byte("epb")))
			require.NoError(t, w.WriteUDP(0, t0.Add(time.Hour), addr4, peer4, []byte("spb-second")))
		})
		pkts, _ := mustReadAll(t, data)
		require.Len(t, pkts, 3)
		assert.True(t, pkts[0].Time.IsZero(), "no time before any timestamped record")
		assert.Equal(t, "spb-first", pkts[0].Payload)
		assert.Equal(t, t0.Truncate(time.Microsecond), pkts[1].Time)
		assert.Equal(t, pkts[1].Time, pkts[2].Time)
		assert.Equal(t, "spb-second", pkts[2].Payload)
	})

	t.Run("sections-of-either-byte-order", func(t *testing.T) {
		first := ngFile(t, pcapio.NgWriterOptions{Interfaces: []pcapio.NgInterface{{FrameOptions: eth}}}, func(w *pcapio.NgWriter) {
			require.NoError(t, w.WriteUDP(0, t0, addr4, peer4, []byte("one")))
		})
		second := ngFile(t, pcapio.NgWriterOptions{BigEndian: true, Interfaces: []pcapio.NgInterface{
			{FrameOptions: pcapio.FrameOptions{LinkType: pcapio.LinkLinuxSLL}, TsResol: 9},
		}}, func(w *pcapio.NgWriter) {
			require.NoError(t, w.WriteUDP(0, t0.Add(time.Second), addr6, peer6, []byte("two")))
		})
		pkts, _ := mustReadAll(t, append(first, second...))
		require.Len(t, pkts, 2)
		assert.Equal(t, "one", pkts[0].Payload)
		assert.Equal(t, addr6, pkts[1].Src)
		assert.Equal(t, t0.Add(time.Second), pkts[1].Time)
	})

	t.Run("blocks-it-does-not-need-are-skipped-and-obsolete-packets-read", func(t *testing.T) {
		le := binary.LittleEndian
		head := ngFile(t, pcapio.NgWriterOptions{Interfaces: []pcapio.NgInterface{{FrameOptions: eth}}}, func(*pcapio.NgWriter) {})
		frame := frames(t, eth, addr4, peer4, []byte("with options"))[0]
		epb := make([]byte, 20)
		le.PutUint32(epb[12:], uint32(len(frame)))
		le.PutUint32(epb[16:], uint32(len(frame)))
		epb = append(epb, frame...)
		for len(epb)%4 != 0 {
			epb = append(epb, 0)
		}
		epb = append(epb, 1, 0, 5, 0, 'h', 'e', 'l', 'l', 'o', 0, 0, 0) // opt_comment "hello"
		epb = append(epb, 2, 0, 4, 0, 1, 0, 0, 0)                       // epb_flags: inbound
		epb = append(epb, 0, 0, 0, 0)
		opb := make([]byte, 20) // obsolete Packet Block: 2-byte interface id and drop count
		le.PutUint32(opb[12:], uint32(len(frame)))
		le.PutUint32(opb[16:], uint32(len(frame)))
		opb = append(opb, frame...)
		data := append([]byte{}, head...)
		data = append(data, ngBlock(le, 5, make([]byte, 12))...)                    // interface statistics
		data = append(data, ngBlock(le, 4, []byte{1, 0, 4, 0, 10, 0, 0, 1})...)     // name resolution
		data = append(data, ngBlock(le, 0x40000bad, []byte("custom, any size"))...) // custom block
		data = append(data, ngBlock(le, 6, epb)...)
		data = append(data, ngBlock(le, 2, opb)...)
		pkts, st := mustReadAll(t, data)
		require.Len(t, pkts, 2)
		assert.Equal(t, "with options", pkts[0].Payload)
		assert.Equal(t, "with options", pkts[1].Payload)
		assert.Equal(t, uint64(2), st.Records)
	})
}

func TestFragments(t *testing.T) {
	sip := bytes.Repeat([]byte("INVITE sip:bob@example.org SIP/2.0\r\nVia: x\r\n"), 80) // 3520 bytes
	for _, family := range []struct {
		name     string
		src, dst netip.AddrPort
	}{{"ipv4", addr4, peer4}, {"ipv6", addr6, peer6}} {
		frag := func(t *testing.T, p []byte, reverse bool) [][]byte {
			return frames(t, pcapio.FrameOptions{LinkType: pcapio.LinkEthernet, MTU: 1500, ReverseFragments: reverse}, family.src, family.dst, p)
		}
		// fragsOf fragments several datagrams through one writer, so that
		// they get distinct IP identifications.
		fragsOf := func(t *testing.T, ps ...[]byte) [][][]byte {
			out := make([][][]byte, len(ps))
			all := framesOf(t, pcapio.FrameOptions{LinkType: pcapio.LinkEthernet, MTU: 1500}, func(w *pcapio.Writer) {
				for _, p := range ps {
					require.NoError(t, w.WriteUDP(t0, family.src, family.dst, p))
				}
			})
			for i, p := range ps {
				n := (len(p) + 8 + 1479) / 1480
				if family.name == "ipv6" {
					n = (len(p) + 8 + 1447) / 1448
				}
				out[i], all = all[:n], all[n:]
			}
			return out
		}
		file := func(t *testing.T, fs ...[]byte) []byte {
			return pcapFile(t, pcapio.WriterOptions{FrameOptions: pcapio.FrameOptions{LinkType: pcapio.LinkEthernet}, Nanosecond: true}, func(w *pcapio.Writer) {
				for i, f := range fs {
					require.NoError(t, w.WriteFrame(t0.Add(time.Duration(i)*time.Millisecond), f))
				}
			})
		}
		t.Run(family.name+"/in-order", func(t *testing.T) {
			fs := frag(t, sip, false)
			require.Len(t, fs, 3)
			pkts, st := mustReadAll(t, file(t, fs...))
			require.Len(t, pkts, 1)
			assert.Equal(t, string(sip), pkts[0].Payload)
			assert.Equal(t, family.src, pkts[0].Src)
			assert.Equal(t, t0.Add(2*time.Millisecond), pkts[0].Time, "a datagram is timed by its completing fragment")
			assert.Equal(t, pcapio.Stats{Records: 3, UDP: 1, Fragments: 3, Reassembled: 1}, st)
		})
		t.Run(family.name+"/reversed-interleaved-duplicated", func(t *testing.T) {
			ab := fragsOf(t, sip, payload(2000, 9))
			a, b := ab[0], ab[1]
			pkts, st := mustReadAll(t, file(t, a[2], b[0], a[1], a[1], b[1], a[0]))
			require.Len(t, pkts, 2)
			assert.Equal(t, string(payload(2000, 9)), pkts[0].Payload)
			assert.Equal(t, string(sip), pkts[1].Payload)
			assert.Equal(t, uint64(2), st.Reassembled)
		})
		t.Run(family.name+"/missing-piece", func(t *testing.T) {
			fs := frag(t, sip, false)
			pkts, st := mustReadAll(t, file(t, fs[0], fs[2]))
			assert.Empty(t, pkts)
			assert.Equal(t, uint64(1), st.Incomplete, "given up at the end of the file")
		})
		t.Run(family.name+"/bounded-pending", func(t *testing.T) {
			var ps [][]byte
			for i := range pcapio.MaxPendingDatagrams + 1 {
				ps = append(ps, payload(3000, byte(i)))
			}
			dgs := fragsOf(t, ps...)
			var fs [][]byte
			for _, d := range dgs {
				fs = append(fs, d[0])
			}
			// The first datagram was evicted to make room: its rest finds nothing.
			fs = append(fs, dgs[0][1:]...)
			pkts, st := mustReadAll(t, file(t, fs...))
			assert.Empty(t, pkts)
			assert.Equal(t, uint64(pcapio.MaxPendingDatagrams+2), st.Incomplete)
		})
		t.Run(family.name+"/timeout-in-capture-time", func(t *testing.T) {
			fs := frag(t, sip, false)
			data := pcapFile(t, pcapio.WriterOptions{FrameOptions: pcapio.FrameOptions{LinkType: pcapio.LinkEthernet}}, func(w *pcapio.Writer) {
				require.NoError(t, w.WriteFrame(t0, fs[0]))
				require.NoError(t, w.WriteFrame(t0.Add(pcapio.FragmentTimeout+time.Second), fs[1]))
				require.NoError(t, w.WriteFrame(t0.Add(pcapio.FragmentTimeout+time.Second), fs[2]))
			})
			pkts, st := mustReadAll(t, data)
			assert.Empty(t, pkts)
			assert.Equal(t, uint64(2), st.Incomplete)
		})
		t.Run(family.name+"/contradicting-ends", func(t *testing.T) {
			long := frag(t, sip, false)
			short := frag(t, sip[:3000], false) // same IP identification: the writer is new
			pkts, st := mustReadAll(t, file(t, long[0], long[2], short[2]))
			assert.Empty(t, pkts)
			assert.Equal(t, uint64(1), st.Skipped.Malformed)
		})
	}
}

func TestSkipped(t *testing.T) {
	eth := pcapio.FrameOptions{LinkType: pcapio.LinkEthernet}
	udp := frames(t, eth, addr4, peer4, []byte("fine"))[0]
	udp6 := frames(t, eth, addr6, peer6, []byte("fine6"))[0]
	mutate := func(b []byte, f func(b []byte)) []byte {
		c := append([]byte{}, b...)
		f(c)
		return c
	}
	arp := mutate(udp, func(b []byte) { b[12], b[13] = 0x08, 0x06 })
	icmp := mutate(udp, func(b []byte) { b[14+9] = 1 })
	badIHL := mutate(udp, func(b []byte) { b[14] = 0x43 })
	badVersion := mutate(udp, func(b []byte) { b[14] = 0x65 })
	icmp6 := mutate(udp6, func(b []byte) { b[14+6] = 58 })
	shortUDP := mutate(udp, func(b []byte) { b[14+20+5] = 4 })               // UDP length 4 < 8
	llc := mutate(udp, func(b []byte) { b[12], b[13] = 0, byte(len(b)-14) }) // an 802.3 length
	// IPv6 with hop-by-hop and destination options headers, and an atomic fragment.
	ext6 := func(headers ...[]byte) []byte {
		b := append([]byte{}, udp6[:14+40]...)
		next := byte(17)
		body := udp6[14+40:]
		for i := len(headers) - 1; i >= 0; i-- {
			h := append([]byte{next}, headers[i][1:]...)
			next = headers[i][0]
			body = append(h, body...)
		}
		b[14+6] = next
		binary.BigEndian.PutUint16(b[14+4:], uint16(len(body)))
		return append(b, body...)
	}
	hbh := []byte{0, 0, 1, 4, 0, 0, 0, 0}     // Pad1... PadN
	dst := []byte{60, 0, 1, 4, 0, 0, 0, 0}    // destination options
	atomic := []byte{44, 0, 0, 0, 0, 0, 0, 7} // offset 0, M=0

	cases := []struct {
		name  string
		frame []byte
		want  pcapio.Skipped
		yield bool
	}{
		{"arp", arp, pcapio.Skipped{NonIP: 1}, false},
		{"802.3-llc", llc, pcapio.Skipped{NonIP: 1}, false},
		{"icmp", icmp, pcapio.Skipped{Protocol: 1}, false},
		{"icmpv6", icmp6, pcapio.Skipped{Protocol: 1}, false},
		{"bad-ihl", badIHL, pcapio.Skipped{Malformed: 1}, false},
		{"ipv6-in-ipv4-ethertype", badVersion, pcapio.Skipped{Malformed: 1}, false},
		{"udp-length-below-header", shortUDP, pcapio.Skipped{Malformed: 1}, false},
		{"short-frame", udp[:10], pcapio.Skipped{Malformed: 1}, false},
		{"ipv6-extension-headers", ext6(hbh, dst), pcapio.Skipped{}, true},
		{"ipv6-atomic-fragment", ext6(atomic), pcapio.Skipped{}, true},
		{"ipv6-extension-overruns-packet", ext6([]byte{60, 50, 1, 4, 0, 0, 0, 0}), pcapio.Skipped{Malformed: 1}, false},
		{"ipv6-snapped", ext6(dst)[:14+40+4], pcapio.Skipped{Snapped: 1}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := pcapFile(t, pcapio.WriterOptions{FrameOptions: eth}, func(w *pcapio.Writer) {
				require.NoError(t, w.WriteFrame(t0, c.frame))
			})
			pkts, st := mustReadAll(t, data)
			assert.Equal(t, c.want, st.Skipped)
			if c.yield {
				require.Len(t, pkts, 1)
				assert.Equal(t, "fine6", pkts[0].Payload)
			} else {
				assert.Empty(t, pkts)
			}
		})
	}

	t.Run("unsupported-link-type", func(t *testing.T) {
		data := pcapFile(t, pcapio.WriterOptions{FrameOptions: eth}, func(w *pcapio.Writer) {
			require.NoError(t, w.WriteFrame(t0, udp))
		})
		binary.LittleEndian.PutUint32(data[20:], 105) // IEEE 802.11
		pkts, st := mustReadAll(t, data)
		assert.Empty(t, pkts)
		assert.Equal(t, pcapio.Skipped{LinkType: 1}, st.Skipped)
	})
	t.Run("raw-12-that-is-not-ip", func(t *testing.T) {
		data := pcapFile(t, pcapio.WriterOptions{FrameOptions: pcapio.FrameOptions{LinkType: 12}}, func(w *pcapio.Writer) {
			require.NoError(t, w.WriteFrame(t0, []byte{0xaa, 0xaa, 3, 0, 0, 0}))
		})
		_, st := mustReadAll(t, data)
		assert.Equal(t, pcapio.Skipped{LinkType: 1}, st.Skipped)
	})
	t.Run("snapped", func(t *testing.T) {
		data := pcapFile(t, pcapio.WriterOptions{FrameOptions: eth, Snaplen: 96}, func(w *pcapio.Writer) {
			require.NoError(t, w.WriteUDP(t0, addr4, peer4, payload(160, 0)))
			require.NoError(t, w.WriteUDP(t0, addr4, peer4, []byte("short enough")))
		})
		pkts, st := mustReadAll(t, data)
		require.Len(t, pkts, 1)
		assert.Equal(t, "short enough", pkts[0].Payload)
		assert.Equal(t, pcapio.Skipped{Snapped: 1}, st.Skipped)
		assert.Equal(t, uint64(1), st.Skipped.Total())
	})
	t.Run("ethernet-padding-and-fcs-trimmed", func(t *testing.T) {
		padded := append(append([]byte{}, udp...), 0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef)
		data := pcapFile(t, pcapio.WriterOptions{FrameOptions: eth}, func(w *pcapio.Writer) {
			require.NoError(t, w.WriteFrame(t0, padded))
		})
		pkts, _ := mustReadAll(t, data)
		require.Len(t, pkts, 1)
		assert.Equal(t, "fine", pkts[0].Payload)
	})
}

// TestTruncated cuts generated files at every byte: the reader must yield
// exactly the records that end before the cut, then report ErrTruncated,
// or io.EOF when the cut falls on a record boundary.
func TestTruncated(t *testing.T) {
	eth := pcapio.FrameOptions{LinkType: pcapio.LinkEthernet}
	write := func(w func(i int, ts time.Time, p []byte) error) {
		for i := range 4 {
			require.NoError(t, w(i, t0.Add(time.Duration(i)*time.Second), payload(20+i*13, byte(i))))
		}
	}
	files := []struct {
		name   string
		data   []byte
		header int // bytes before the first record
		record func(b []byte) int
	}{
		{
			name: "pcap",
			data: pcapFile(t, pcapio.WriterOptions{FrameOptions: eth}, func(w *pcapio.Writer) {
				write(func(_ int, ts time.Time, p []byte) error { return w.WriteUDP(ts, addr4, peer4, p) })
			}),
			header: 24,
			record: func(b []byte) int { return 16 + int(binary.LittleEndian.Uint32(b[8:])) },
		},
		{
			name: "pcapng",
			data: ngFile(t, pcapio.NgWriterOptions{Interfaces: []pcapio.NgInterface{{FrameOptions: eth}}}, func(w *pcapio.NgWriter) {
				write(func(_ int, ts time.Time, p []byte) error { return w.WriteUDP(0, ts, addr4, peer4, p) })
			}),
			header: 28 + 20,
			record: func(b []byte) int { return int(binary.LittleEndian.Uint32(b[4:])) },
		},
	}
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			var ends []int
			for off := f.header; off < len(f.data); off += f.record(f.data[off:]) {
				ends = append(ends, off+f.record(f.data[off:]))
			}
			require.Len(t, ends, 4)
			for cut := f.header; cut <= len(f.data); cut++ {
				complete, boundary := 0, cut == f.header
				for _, e := range ends {
					if e <= cut {
						complete++
					}
					boundary = boundary || e == cut
				}
				pkts, _, err := readAll(t, f.data[:cut])
				require.Len(t, pkts, complete, "cut at %d", cut)
				if boundary {
					require.ErrorIs(t, err, io.EOF, "cut at %d", cut)
				} else {
					require.ErrorIs(t, err, pcapio.ErrTruncated, "cut at %d", cut)
				}
			}
		})
	}
	t.Run("error-is-sticky", func(t *testing.T) {
		data := files[0].data[:len(files[0].data)-3]
		r, err := pcapio.NewReader(bytes.NewReader(data))
		require.NoError(t, err)
		var p pcapio.Packet
		for err == nil {
			err = r.Next(&p)
		}
		assert.ErrorIs(t, err, pcapio.ErrTruncated)
		assert.Equal(t, err, r.Next(&p))
	})
}

func TestBadFiles(t *testing.T) {
	le := binary.LittleEndian
	pcapHeader := func(major, minor uint16, snaplen uint32) []byte {
		b := make([]byte, 24)
		le.PutUint32(b, 0xa1b2c3d4)
		le.PutUint16(b[4:], major)
		le.PutUint16(b[6:], minor)
		le.PutUint32(b[16:], snaplen)
		le.PutUint32(b[20:], 1)
		return b
	}
	record := func(caplen, origlen uint32) []byte {
		b := make([]byte, 16)
		le.PutUint32(b[8:], caplen)
		le.PutUint32(b[12:], origlen)
		return b
	}
	shb := func(bom uint32, major uint16) []byte {
		body := make([]byte, 16)
		le.PutUint32(body, bom)
		le.PutUint16(body[4:], major)
		le.PutUint64(body[8:], ^uint64(0))
		return ngBlock(le, 0x0a0d0d0a, body)
	}
	idb := func(opts ...byte) []byte {
		body := []byte{1, 0, 0, 0, 0, 0, 4, 0} // Ethernet, snaplen 262144
		return ngBlock(le, 1, append(body, opts...))
	}
	epb := func(iface, caplen uint32, data []byte) []byte {
		body := make([]byte, 20)
		le.PutUint32(body, iface)
		le.PutUint32(body[12:], caplen)
		le.PutUint32(body[16:], caplen)
		return ngBlock(le, 6, append(body, data...))
	}
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	manyLinkTypes := shb(0x1a2b3c4d, 1)
	for link := range 257 {
		manyLinkTypes = append(manyLinkTypes, ngBlock(le, 1, []byte{byte(link), byte(link >> 8), 0, 0, 0, 0, 4, 0})...)
	}
	withLength := func(block []byte, n uint32) []byte {
		b := append([]byte{}, block...)
		le.PutUint32(b[4:], n)
		return b
	}

	cases := []struct {
		name    string
		data    []byte
		atOpen  bool // NewReader fails (else Next does)
		wantErr error
		text    string
	}{
		{"empty", nil, true, pcapio.ErrEmpty, "empty capture file (0 bytes)"},
		{"text", []byte("hello, world\n"), true, pcapio.ErrNotCapture, "not a pcap or pcapng file: starts with 68 65 6c 6c"},
		{"gzip", []byte{0x1f, 0x8b, 8, 0, 0, 0}, true, pcapio.ErrNotCapture, "gzip-compressed"},
		{"three-bytes", []byte{0xd4, 0xc3, 0xb2}, true, pcapio.ErrNotCapture, "only 3 bytes"},
		{"pcap-header-cut", pcapHeader(2, 4, 65535)[:10], true, pcapio.ErrTruncated, "pcap file header is 10 of 24 bytes"},
		{"pcap-version", pcapHeader(3, 0, 65535), true, pcapio.ErrCorrupt, "pcap version 3.0"},
		{"pcap-record-of-4GB", join(pcapHeader(2, 4, 65535), record(0xfffffff0, 0xfffffff0), make([]byte, 64)), false, pcapio.ErrCorrupt, "capture length exceeds"},
		{"pcap-snaplen-4GB-record-of-4GB", join(pcapHeader(2, 4, 0xffffffff), record(0xfffffff0, 0xfffffff0), make([]byte, 64)), false, pcapio.ErrCorrupt, "capture length exceeds"},
		{"pcap-caplen-above-origlen", join(pcapHeader(2, 4, 65535), record(64, 10), make([]byte, 64)), false, pcapio.ErrCorrupt, "exceeds original packet length"},
		{"pcapng-byte-order", shb(0x11223344, 1), true, pcapio.ErrCorrupt, "byte-order magic"},
		{"pcapng-version", shb(0x1a2b3c4d, 2), true, pcapio.ErrCorrupt, "corrupt capture file"},
		{"pcapng-header-cut", shb(0x1a2b3c4d, 1)[:20], true, pcapio.ErrTruncated, "is 20 of 28 bytes"},
		{"pcapng-block-of-4GB", join(shb(0x1a2b3c4d, 1), withLength(idb(), 0xfffffffc)), false, pcapio.ErrCorrupt, "has length 4294967292"},
		{"pcapng-skipped-block-of-4GB", join(shb(0x1a2b3c4d, 1), withLength(ngBlock(le, 5, nil), 0xfffffffc)), false, pcapio.ErrTruncated, "pcapng block type 0x5 at offset 28 is 12 of 4294967292 bytes"},
		{"pcapng-length-not-multiple-of-4", join(shb(0x1a2b3c4d, 1), withLength(idb(), 22)), false, pcapio.ErrCorrupt, "has length 22"},
		{"pcapng-lengths-disagree", join(shb(0x1a2b3c4d, 1), withLength(idb(), 24), make([]byte, 4)), false, pcapio.ErrCorrupt, "leading length 24, trailing 0"},
		{"pcapng-caplen-of-4GB", join(shb(0x1a2b3c4d, 1), idb(), epb(0, 0xfffffff0, make([]byte, 8))), false, pcapio.ErrCorrupt, "claims 4294967280 captured bytes in a 40-byte block"},
		{"pcapng-packet-before-interface", join(shb(0x1a2b3c4d, 1), epb(0, 4, make([]byte, 4))), false, pcapio.ErrCorrupt, "Interface id 0 not present"},
		{"pcapng-unknown-interface", join(shb(0x1a2b3c4d, 1), idb(), epb(3, 4, make([]byte, 4))), false, pcapio.ErrCorrupt, "Interface id 3 not present"},
		{"pcapng-257-link-types", manyLinkTypes, false, pcapio.ErrCorrupt, "more than 256 link types"},
		// if_tsresol 10^-65: google/gopacket v1.1.19 divides by zero here (see README, Dependencies).
		{"pcapng-tsresol-overflow", join(shb(0x1a2b3c4d, 1), idb(9, 0, 1, 0, 65, 0, 0, 0, 0, 0, 0, 0), epb(0, 4, make([]byte, 4))), false, pcapio.ErrCorrupt, "resolution"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := pcapio.NewReader(bytes.NewReader(c.data))
			if !c.atOpen {
				require.NoError(t, err)
				var p pcapio.Packet
				err = r.Next(&p)
			}
			require.ErrorIs(t, err, c.wantErr)
			assert.Contains(t, err.Error(), c.text)
			assert.Contains(t, err.Error(), c.wantErr.Error())
		})
	}
}

// errReader fails after n bytes.
type errReader struct {
	data []byte
	err  error
}

func (e *errReader) Read(p []byte) (int, error) {
	if len(e.data) == 0 {
		return 0, e.err
	}
	n := copy(p, e.data)
	e.data = e.data[n:]
	return n, nil
}

func TestInputErrorsPassThrough(t *testing.T) {
	boom := fmt.Errorf("disk on fire")
	eth := pcapio.FrameOptions{LinkType: pcapio.LinkEthernet}
	pcap := pcapFile(t, pcapio.WriterOptions{FrameOptions: eth}, func(w *pcapio.Writer) {
		require.NoError(t, w.WriteUDP(t0, addr4, peer4, []byte("x")))
	})
	ng := ngFile(t, pcapio.NgWriterOptions{Interfaces: []pcapio.NgInterface{{FrameOptions: eth}}}, func(w *pcapio.NgWriter) {
		require.NoError(t, w.WriteUDP(0, t0, addr4, peer4, []byte("x")))
	})
	for name, data := range map[string][]byte{"pcap": pcap, "pcapng": ng} {
		t.Run(name, func(t *testing.T) {
			_, err := pcapio.NewReader(&errReader{err: boom})
			require.ErrorIs(t, err, boom)

			r, err := pcapio.NewReader(&errReader{data: data[:len(data)-5], err: boom})
			require.NoError(t, err)
			var p pcapio.Packet
			err = r.Next(&p)
			require.ErrorIs(t, err, boom)
			assert.NotErrorIs(t, err, pcapio.ErrTruncated)
		})
	}
}

func TestWriterChecksums(t *testing.T) {
	// An independent one's-complement check: a correct header or segment,
	// checksum included, sums to 0xffff (RFC 1071).
	sum := func(parts ...[]byte) uint16 {
		var s uint32
		for _, b := range parts {
			for i := 0; i+1 < len(b); i += 2 {
				s += uint32(b[i])<<8 | uint32(b[i+1])
			}
			if len(b)%2 == 1 {
				s += uint32(b[len(b)-1]) << 8
			}
		}
		for s > 0xffff {
			s = s&0xffff + s>>16
		}
		return uint16(s)
	}
	pseudo := func(src, dst netip.Addr, proto byte, n int) []byte {
		b := append(src.AsSlice(), dst.AsSlice()...)
		return append(b, 0, proto, byte(n>>8), byte(n))
	}
	raw := pcapio.FrameOptions{LinkType: pcapio.LinkRaw}
	for _, odd := range []int{171, 172} {
		t.Run(fmt.Sprintf("udp-ipv4-%d", odd), func(t *testing.T) {
			f := frames(t, raw, addr4, peer4, payload(odd, 3))[0]
			assert.Equal(t, uint16(0xffff), sum(f[:20]), "IPv4 header")
			assert.Equal(t, uint16(0xffff), sum(pseudo(addr4.Addr(), peer4.Addr(), 17, len(f)-20), f[20:]), "UDP")
		})
		t.Run(fmt.Sprintf("udp-ipv6-%d", odd), func(t *testing.T) {
			f := frames(t, raw, addr6, peer6, payload(odd, 3))[0]
			assert.Equal(t, uint16(0xffff), sum(pseudo(addr6.Addr(), peer6.Addr(), 17, len(f)-40), f[40:]), "UDP")
		})
	}
	t.Run("tcp-ipv4", func(t *testing.T) {
		data := pcapFile(t, pcapio.WriterOptions{FrameOptions: raw}, func(w *pcapio.Writer) {
			require.NoError(t, w.WriteTCP(t0, addr4, peer4, 7, []byte("REGISTER sip:x SIP/2.0\r\n\r\n")))
		})
		f := data[24+16:]
		assert.Equal(t, uint16(0xffff), sum(f[:20]), "IPv4 header")
		assert.Equal(t, uint16(0xffff), sum(pseudo(addr4.Addr(), peer4.Addr(), 6, len(f)-20), f[20:]), "TCP")
	})
	t.Run("fragments-carry-the-whole-datagram-checksum", func(t *testing.T) {
		p := payload(4000, 5)
		fs := frames(t, pcapio.FrameOptions{LinkType: pcapio.LinkRaw, MTU: 576}, addr4, peer4, p)
		require.Len(t, fs, 8)
		var seg []byte
		for _, f := range fs {
			assert.Equal(t, uint16(0xffff), sum(f[:20]), "IPv4 header")
			assert.LessOrEqual(t, len(f), 576)
			seg = append(seg, f[20:]...)
		}
		assert.Equal(t, uint16(0xffff), sum(pseudo(addr4.Addr(), peer4.Addr(), 17, len(seg)), seg))
	})
}

func TestWriterRejects(t *testing.T) {
	cases := []struct {
		name string
		opts pcapio.FrameOptions
		text string
	}{
		{"vlan-on-sll", pcapio.FrameOptions{LinkType: pcapio.LinkLinuxSLL, VLANs: []uint16{1}}, "VLAN tags need LinkEthernet"},
		{"unknown-link", pcapio.FrameOptions{LinkType: 105}, "cannot write link type 105 frames"},
		{"tiny-mtu", pcapio.FrameOptions{LinkType: pcapio.LinkEthernet, MTU: 40}, "MTU 40"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := pcapio.NewWriter(io.Discard, pcapio.WriterOptions{FrameOptions: c.opts})
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.text)
		})
	}
	t.Run("mixed-families", func(t *testing.T) {
		w, err := pcapio.NewWriter(io.Discard, pcapio.WriterOptions{FrameOptions: pcapio.FrameOptions{LinkType: pcapio.LinkEthernet}})
		require.NoError(t, err)
		assert.ErrorContains(t, w.WriteUDP(t0, addr4, peer6, nil), "different address families")
	})
	t.Run("ng-simple-not-on-interface-0", func(t *testing.T) {
		eth := pcapio.FrameOptions{LinkType: pcapio.LinkEthernet}
		_, err := pcapio.NewNgWriter(io.Discard, pcapio.NgWriterOptions{Interfaces: []pcapio.NgInterface{{FrameOptions: eth}, {FrameOptions: eth, Simple: true}}})
		assert.ErrorContains(t, err, "only interface 0")
	})
}
