package pcapio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
)

// FrameOptions say how the writers wrap a UDP or TCP segment into link-layer
// frames.
type FrameOptions struct {
	// LinkType is the link-layer header to write. The zero value is LinkNull
	// (pcap's number 0), so set it: usually LinkEthernet.
	LinkType LinkType
	// VLANs are 802.1Q tags, outermost first (Ethernet only). With two or
	// more, all but the innermost are 802.1ad service tags (QinQ).
	VLANs []uint16
	// MTU, when positive, is the largest IP packet written whole: a longer
	// one is split into IPv4 fragments, or IPv6 fragments with a Fragment
	// header, of at most MTU bytes.
	MTU int
	// ReverseFragments writes the fragments of a datagram last first, to
	// test reassembly out of order.
	ReverseFragments bool
}

// Addresses and constants of generated frames.
var (
	macSrc = [6]byte{0x02, 0, 0, 0, 0, 0x01}
	macDst = [6]byte{0x02, 0, 0, 0, 0, 0x02}
)

const (
	etherTypeIPv4 = 0x0800
	etherTypeIPv6 = 0x86dd
	etherTypeVLAN = 0x8100
	etherTypeQinQ = 0x88a8
	afInet        = 2
	afInet6BSD    = 24 // AF_INET6 on NetBSD and OpenBSD (LOOP captures)
	afInet6Darwin = 30 // AF_INET6 on macOS, the usual source of NULL captures
)

// framer builds frames; it reuses its buffers, so a frame is valid until the
// next call.
type framer struct {
	opts  FrameOptions
	ipID  uint32
	seg   []byte // transport header and payload
	frame []byte
}

func newFramer(opts FrameOptions) (*framer, error) {
	switch opts.LinkType {
	case LinkEthernet:
	case LinkNull, LinkLoop, LinkRaw, LinkIPv4, LinkIPv6, linkRawBSD12, linkRawBSD14, LinkLinuxSLL, LinkLinuxSLL2:
		if len(opts.VLANs) > 0 {
			return nil, fmt.Errorf("pcapio: VLAN tags need LinkEthernet, not %v", opts.LinkType)
		}
	default:
		return nil, fmt.Errorf("pcapio: cannot write %v frames", opts.LinkType)
	}
	if opts.MTU != 0 && opts.MTU < 68 {
		return nil, fmt.Errorf("pcapio: MTU %d is below IPv4's minimum of 68", opts.MTU)
	}
	return &framer{opts: opts, ipID: 0x1000}, nil
}

// udp builds the UDP segment (with its checksum) for src → dst.
func (f *framer) udp(src, dst netip.AddrPort, payload []byte) ([]byte, error) {
	if err := checkPair(src, dst); err != nil {
		return nil, err
	}
	n := 8 + len(payload)
	if n > 0xffff {
		return nil, fmt.Errorf("pcapio: UDP payload of %d bytes is too long", len(payload))
	}
	s := append(f.seg[:0], make([]byte, 8)...)
	binary.BigEndian.PutUint16(s[0:], src.Port())
	binary.BigEndian.PutUint16(s[2:], dst.Port())
	binary.BigEndian.PutUint16(s[4:], uint16(n))
	s = append(s, payload...)
	sum := ^fold(pseudoSum(src.Addr(), dst.Addr(), protoUDP, n) + sum16(s))
	if sum == 0 {
		sum = 0xffff // 0 means "no checksum" in UDP
	}
	binary.BigEndian.PutUint16(s[6:], sum)
	f.seg = s
	return s, nil
}

// tcp builds a TCP segment (PSH+ACK, no options) carrying payload at seq.
func (f *framer) tcp(src, dst netip.AddrPort, seq uint32, payload []byte) ([]byte, error) {
	if err := checkPair(src, dst); err != nil {
		return nil, err
	}
	s := append(f.seg[:0], make([]byte, 20)...)
	binary.BigEndian.PutUint16(s[0:], src.Port())
	binary.BigEndian.PutUint16(s[2:], dst.Port())
	binary.BigEndian.PutUint32(s[4:], seq)
	s[12] = 5 << 4            // data offset: 5 words
	s[13] = 0x18              // PSH, ACK
	s[14], s[15] = 0xff, 0xff // window
	s = append(s, payload...)
	binary.BigEndian.PutUint16(s[16:], ^fold(pseudoSum(src.Addr(), dst.Addr(), protoTCP, len(s))+sum16(s)))
	f.seg = s
	return s, nil
}

func checkPair(src, dst netip.AddrPort) error {
	if !src.Addr().IsValid() || !dst.Addr().IsValid() {
		return errors.New("pcapio: invalid address")
	}
	if src.Addr().Is4() != dst.Addr().Is4() {
		return fmt.Errorf("pcapio: %v and %v are of different address families", src.Addr(), dst.Addr())
	}
	return nil
}

// frames calls emit with each frame carrying seg from src to dst: one, or
// one per fragment when the IP packet exceeds the MTU.
func (f *framer) frames(src, dst netip.Addr, proto uint8, seg []byte, emit func(frame []byte) error) error {
	f.ipID++
	v4 := src.Is4()
	hdr := 20
	if !v4 {
		hdr = 40
	}
	if (v4 && hdr+len(seg) > maxDatagram) || len(seg) > maxDatagram-8 {
		return fmt.Errorf("pcapio: IP packet of %d bytes is too long", hdr+len(seg))
	}
	if f.opts.MTU == 0 || hdr+len(seg) <= f.opts.MTU {
		return emit(f.frame1(src, dst, proto, seg, 0, false, false))
	}
	chunk := (f.opts.MTU - hdr) &^ 7
	if !v4 {
		chunk = (f.opts.MTU - hdr - 8) &^ 7 // room for the Fragment header
	}
	var offsets []int
	for off := 0; off < len(seg); off += chunk {
		offsets = append(offsets, off)
	}
	if f.opts.ReverseFragments {
		for i, j := 0, len(offsets)-1; i < j; i, j = i+1, j-1 {
			offsets[i], offsets[j] = offsets[j], offsets[i]
		}
	}
	for _, off := range offsets {
		end := min(off+chunk, len(seg))
		if err := emit(f.frame1(src, dst, proto, seg[off:end], off, end < len(seg), true)); err != nil {
			return err
		}
	}
	return nil
}

// frame1 builds one frame: link header, IP header (with a fragment offset
// and More Fragments flag when fragment), then data.
func (f *framer) frame1(src, dst netip.Addr, proto uint8, data []byte, off int, more, fragment bool) []byte {
	b := f.frame[:0]
	etherType := uint16(etherTypeIPv4)
	if src.Is6() {
		etherType = etherTypeIPv6
	}
	switch f.opts.LinkType {
	case LinkEthernet:
		b = append(b, macDst[:]...)
		b = append(b, macSrc[:]...)
		for i, tag := range f.opts.VLANs {
			tpid := uint16(etherTypeVLAN)
			if i < len(f.opts.VLANs)-1 {
				tpid = etherTypeQinQ
			}
			b = binary.BigEndian.AppendUint16(b, tpid)
			b = binary.BigEndian.AppendUint16(b, tag&0x0fff)
		}
		b = binary.BigEndian.AppendUint16(b, etherType)
	case LinkLinuxSLL:
		//	| packet type (2) | ARPHRD_ type (2) | address length (2) | address (8) | protocol (2) |
		b = append(b, 0, 4, 0, 1, 0, 6) // sent by us, ARPHRD_ETHER, 6-byte address
		b = append(b, macSrc[:]...)
		b = append(b, 0, 0)
		b = binary.BigEndian.AppendUint16(b, etherType)
	case LinkLinuxSLL2:
		b = binary.BigEndian.AppendUint16(b, etherType)
		b = append(b, 0, 0, 0, 0, 0, 1, 0, 1, 4, 6) // reserved, interface 1, ARPHRD_ETHER, outgoing, 6-byte address
		b = append(b, macSrc[:]...)
		b = append(b, 0, 0)
	case LinkNull:
		family := uint32(afInet)
		if src.Is6() {
			family = afInet6Darwin
		}
		b = binary.LittleEndian.AppendUint32(b, family) // the capturing host's order: x86
	case LinkLoop:
		family := uint32(afInet)
		if src.Is6() {
			family = afInet6BSD
		}
		b = binary.BigEndian.AppendUint32(b, family)
	}

	if src.Is4() {
		ip := len(b)
		b = append(b, 0x45, 0, 0, 0, 0, 0, 0, 0, 64, proto, 0, 0)
		s, d := src.As4(), dst.As4()
		b = append(b, s[:]...)
		b = append(b, d[:]...)
		binary.BigEndian.PutUint16(b[ip+2:], uint16(20+len(data)))
		binary.BigEndian.PutUint16(b[ip+4:], uint16(f.ipID))
		field := uint16(off / 8)
		if more {
			field |= 0x2000
		}
		binary.BigEndian.PutUint16(b[ip+6:], field)
		binary.BigEndian.PutUint16(b[ip+10:], ^fold(sum16(b[ip:ip+20])))
	} else {
		plen, next := len(data), proto
		if fragment {
			plen, next = plen+8, ip6Fragment
		}
		b = append(b, 0x60, 0, 0, 0, 0, 0, next, 64)
		binary.BigEndian.PutUint16(b[len(b)-4:], uint16(plen))
		s, d := src.As16(), dst.As16()
		b = append(b, s[:]...)
		b = append(b, d[:]...)
		if fragment {
			field := uint16(off)
			if more {
				field |= 1
			}
			b = append(b, proto, 0)
			b = binary.BigEndian.AppendUint16(b, field)
			b = binary.BigEndian.AppendUint32(b, f.ipID)
		}
	}
	b = append(b, data...)
	f.frame = b
	return b
}

// sum16 is the 32-bit sum of b as big-endian 16-bit words (RFC 1071).
func sum16(b []byte) uint32 {
	var s uint32
	for len(b) >= 2 {
		s += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		s += uint32(b[0]) << 8
	}
	return s
}

// pseudoSum sums the IPv4 or IPv6 pseudo-header of a transport checksum.
func pseudoSum(src, dst netip.Addr, proto uint8, length int) uint32 {
	s := sum16(src.AsSlice()) + sum16(dst.AsSlice())
	return s + uint32(proto) + uint32(length)
}

// fold reduces a 32-bit one's-complement sum to 16 bits.
func fold(s uint32) uint16 {
	for s > 0xffff {
		s = s&0xffff + s>>16
	}
	return uint16(s)
}
