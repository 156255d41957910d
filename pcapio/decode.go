package pcapio

import (
	"encoding/binary"
	"net/netip"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Link types 12 and 14 mean raw IP in files written on some BSDs (where they
// are DLT_RAW's number) and something else elsewhere: they are decoded as raw
// IP only when the version nibble says IPv4 or IPv6.
const (
	linkRawBSD12 LinkType = 12
	linkRawBSD14 LinkType = 14
)

// sll2HeaderLen is the length of the Linux cooked v2 header, which gopacket
// does not decode:
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-------------------------------+-------------------------------+
//	|         Protocol type         |        Reserved (MBZ)         |
//	+-------------------------------+-------------------------------+
//	|                        Interface index                        |
//	+-------------------------------+---------------+---------------+
//	|          ARPHRD_ type         |  Packet type  | Address length|
//	+-------------------------------+---------------+---------------+
//	|                 Link-layer address (8 bytes,                  |
//	+                  zero-padded, big-endian fields)              +
//	|                                                               |
//	+---------------------------------------------------------------+
//
// The protocol type is an EtherType (0x0800 IPv4, 0x86DD IPv6, 0x8100 VLAN)
// for the frames that matter here.
const sll2HeaderLen = 20

// decoder holds the layers, decoded in place into values allocated once, and
// one DecodingLayerParser per layer a frame can start with; all parsers share
// the layer values. Transport layers end every chain: the reader takes
// udp.Payload and tcp.Payload itself, so gopacket never guesses an
// application protocol from a port number (it would take RTP on 5060 for SIP
// or on 4789 for VXLAN).
type decoder struct {
	eth   layers.Ethernet
	dot1q layers.Dot1Q // 802.1Q and 802.1ad tags both decode here, one after the other
	sll   layers.LinuxSLL
	loop  layers.Loopback
	ip4   layers.IPv4
	ip6   layers.IPv6
	udp   layers.UDP
	tcp   layers.TCP

	ethernet, cooked, loopback, vlan, ipv4, ipv6 *gopacket.DecodingLayerParser

	decoded []gopacket.LayerType
}

func (d *decoder) init() {
	all := []gopacket.DecodingLayer{&d.eth, &d.dot1q, &d.sll, &d.loop, &d.ip4, &d.ip6, &d.udp, &d.tcp}
	parser := func(first gopacket.LayerType) *gopacket.DecodingLayerParser {
		p := gopacket.NewDecodingLayerParser(first)
		// A slice indexed by layer type: faster than the default map.
		p.SetDecodingLayerContainer(gopacket.DecodingLayerSparse(nil))
		for _, l := range all {
			p.AddDecodingLayer(l)
		}
		p.IgnoreUnsupported = true // stopping at a layer we do not decode is normal
		p.IgnorePanic = true       // no recover(): a decoder panic must surface in fuzzing
		return p
	}
	d.ethernet = parser(layers.LayerTypeEthernet)
	d.cooked = parser(layers.LayerTypeLinuxSLL)
	d.loopback = parser(layers.LayerTypeLoopback)
	d.vlan = parser(layers.LayerTypeDot1Q)
	d.ipv4 = parser(layers.LayerTypeIPv4)
	d.ipv6 = parser(layers.LayerTypeIPv6)
	d.decoded = make([]gopacket.LayerType, 0, 8)
}

// byVersion picks the parser for a raw IP packet from its version nibble.
func (d *decoder) byVersion(data []byte) *gopacket.DecodingLayerParser {
	if len(data) == 0 {
		return nil
	}
	switch data[0] >> 4 {
	case 4:
		return d.ipv4
	case 6:
		return d.ipv6
	}
	return nil
}

// byEtherType picks the parser for what follows a cooked v2 header.
func (d *decoder) byEtherType(t layers.EthernetType) *gopacket.DecodingLayerParser {
	switch t {
	case layers.EthernetTypeIPv4:
		return d.ipv4
	case layers.EthernetTypeIPv6:
		return d.ipv6
	case layers.EthernetTypeDot1Q, layers.EthernetTypeQinQ:
		return d.vlan
	}
	return nil
}

// decodeFrame decodes one link-layer frame into p. It returns false when the
// frame yields no packet: skipped (and counted), or a fragment held back.
func (r *Reader) decodeFrame(data []byte, link LinkType, ts time.Time, p *Packet) bool {
	d := &r.dec
	skip := &r.stats.Skipped
	var parser *gopacket.DecodingLayerParser
	switch link {
	case LinkEthernet:
		parser = d.ethernet
	case LinkLinuxSLL:
		parser = d.cooked
	case LinkNull, LinkLoop:
		parser = d.loopback // gopacket reads the family in either byte order
	case LinkRaw, LinkIPv4, LinkIPv6, linkRawBSD12, linkRawBSD14:
		if parser = d.byVersion(data); parser == nil {
			if link == linkRawBSD12 || link == linkRawBSD14 {
				skip.LinkType++
			} else {
				skip.Malformed++
			}
			return false
		}
	case LinkLinuxSLL2:
		if len(data) < sll2HeaderLen {
			skip.Malformed++
			return false
		}
		if parser = d.byEtherType(layers.EthernetType(binary.BigEndian.Uint16(data))); parser == nil {
			skip.NonIP++
			return false
		}
		data = data[sll2HeaderLen:]
	default:
		skip.LinkType++
		return false
	}

	err := parser.DecodeLayers(data, &d.decoded)
	if parser.Truncated {
		skip.Snapped++
		return false
	}
	if err != nil || len(d.decoded) == 0 {
		skip.Malformed++
		return false
	}
	var src, dst netip.Addr
	var network gopacket.LayerType
	for _, t := range d.decoded {
		switch t {
		case layers.LayerTypeIPv4:
			if d.ip4.Version != 4 {
				skip.Malformed++
				return false
			}
			network = t
			src, dst = netip.AddrFrom4([4]byte(d.ip4.SrcIP)), netip.AddrFrom4([4]byte(d.ip4.DstIP))
		case layers.LayerTypeIPv6:
			if d.ip6.Version != 6 {
				skip.Malformed++
				return false
			}
			network = t
			src, dst = netip.AddrFrom16([16]byte(d.ip6.SrcIP)), netip.AddrFrom16([16]byte(d.ip6.DstIP))
		}
	}
	if network == 0 {
		skip.NonIP++
		return false
	}

	switch d.decoded[len(d.decoded)-1] {
	case layers.LayerTypeUDP:
		return r.yield(UDP, src, dst, uint16(d.udp.SrcPort), uint16(d.udp.DstPort), d.udp.Payload, ts, p)
	case layers.LayerTypeTCP:
		return r.yield(TCP, src, dst, uint16(d.tcp.SrcPort), uint16(d.tcp.DstPort), d.tcp.Payload, ts, p)
	case layers.LayerTypeIPv4:
		if d.ip4.Flags&layers.IPv4MoreFragments != 0 || d.ip4.FragOffset != 0 {
			key := fragKey{src: src, dst: dst, id: uint32(d.ip4.Id), proto: uint8(d.ip4.Protocol)}
			whole := r.frag.add(key, ts, int(d.ip4.FragOffset)*8, d.ip4.Flags&layers.IPv4MoreFragments != 0, d.ip4.Payload)
			return whole != nil && r.transport(key.proto, whole, src, dst, ts, p)
		}
		skip.Protocol++
		return false
	case layers.LayerTypeIPv6:
		next := d.ip6.NextHeader
		if d.ip6.HopByHop != nil { // gopacket consumed it as part of the IPv6 layer
			next = d.ip6.HopByHop.NextHeader
		}
		return r.ipv6Payload(uint8(next), d.ip6.Payload, src, dst, ts, p, true)
	}
	skip.Malformed++
	return false
}

// IPv6 extension headers walked by ipv6Payload (RFC 8200 section 4).
const (
	ip6HopByHop    = 0
	ip6Routing     = 43
	ip6Fragment    = 44
	ip6DestOptions = 60
	ip6Auth        = 51
	protoTCP       = 6
	protoUDP       = 17
)

// ipv6Payload walks the IPv6 extension headers from next to the transport
// header. A Fragment header of a real fragment hands the rest to the
// reassembler; mayFragment is false inside a reassembled datagram, which
// cannot hold another Fragment header.
func (r *Reader) ipv6Payload(next uint8, b []byte, src, dst netip.Addr, ts time.Time, p *Packet, mayFragment bool) bool {
	skip := &r.stats.Skipped
	for {
		switch next {
		case protoUDP, protoTCP:
			return r.transport(next, b, src, dst, ts, p)
		case ip6HopByHop, ip6Routing, ip6DestOptions, ip6Auth:
			if len(b) < 8 {
				skip.Malformed++
				return false
			}
			n := (int(b[1]) + 1) * 8
			if next == ip6Auth {
				n = (int(b[1]) + 2) * 4
			}
			if len(b) < n {
				skip.Malformed++
				return false
			}
			next, b = b[0], b[n:]
		case ip6Fragment:
			//	| next header | reserved | fragment offset (13 bits) | res |M| identification (32 bits) |
			if len(b) < 8 {
				skip.Malformed++
				return false
			}
			field := binary.BigEndian.Uint16(b[2:])
			offset, more := int(field&^7), field&1 != 0
			key := fragKey{src: src, dst: dst, id: binary.BigEndian.Uint32(b[4:]), proto: b[0]}
			next, b = b[0], b[8:]
			if offset == 0 && !more {
				continue // an atomic fragment (RFC 6946): the whole datagram
			}
			if !mayFragment {
				skip.Malformed++
				return false
			}
			whole := r.frag.add(key, ts, offset, more, b)
			return whole != nil && r.ipv6Payload(next, whole, src, dst, ts, p, false)
		default: // ICMPv6, ESP, No Next Header...
			skip.Protocol++
			return false
		}
	}
}

// transport decodes a UDP or TCP header that the DecodingLayerParser did not
// reach (after reassembly or IPv6 extension headers) and yields its payload.
func (r *Reader) transport(proto uint8, b []byte, src, dst netip.Addr, ts time.Time, p *Packet) bool {
	d := &r.dec
	switch proto {
	case protoUDP:
		if d.udp.DecodeFromBytes(b, gopacket.NilDecodeFeedback) != nil || int(d.udp.Length) > len(b) {
			r.stats.Skipped.Malformed++
			return false
		}
		return r.yield(UDP, src, dst, uint16(d.udp.SrcPort), uint16(d.udp.DstPort), d.udp.Payload, ts, p)
	case protoTCP:
		if d.tcp.DecodeFromBytes(b, gopacket.NilDecodeFeedback) != nil {
			r.stats.Skipped.Malformed++
			return false
		}
		return r.yield(TCP, src, dst, uint16(d.tcp.SrcPort), uint16(d.tcp.DstPort), d.tcp.Payload, ts, p)
	}
	r.stats.Skipped.Protocol++
	return false
}

func (r *Reader) yield(proto Proto, src, dst netip.Addr, sport, dport uint16, payload []byte, ts time.Time, p *Packet) bool {
	p.Seq = 0
	if proto == UDP {
		r.stats.UDP++
	} else {
		r.stats.TCP++
		p.Seq = r.dec.tcp.Seq
	}
	p.Time = ts
	p.Proto = proto
	p.Src = netip.AddrPortFrom(src, sport)
	p.Dst = netip.AddrPortFrom(dst, dport)
	p.Payload = payload
	return true
}
