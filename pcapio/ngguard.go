package pcapio

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
)

// pcapng block types the guard knows.
const (
	ngSectionHeader      = 0x0a0d0d0a
	ngInterfaceDesc      = 0x00000001
	ngObsoletePacket     = 0x00000002
	ngSimplePacket       = 0x00000003
	ngEnhancedPacket     = 0x00000006
	ngByteOrderMagic     = 0x1a2b3c4d
	ngMaxForwardedLength = MaxSnaplen + 64<<10 // a packet block of MaxSnaplen bytes with generous options
	maxLinkTypes         = 256                 // distinct link types in one file: Go boxes 0-255 without allocating
)

// ngGuard stands between the input and pcapgo's NgReader. pcapgo believes
// the lengths inside blocks: an Enhanced Packet Block saying it captured
// 4 GB makes it allocate and read 4 GB, whatever the block's own length.
// The guard reads one block at a time into a bounded buffer, checks that its
// lengths agree, and only then hands it on, so a hostile file can neither
// make the reader allocate more than ngMaxForwardedLength nor desynchronise
// it. It also drops the blocks the Reader has no use for (statistics, name
// resolution, decryption secrets, custom blocks: any size, skipped without
// buffering) and the options of packet blocks (pcapgo allocates to parse
// them, once per packet). Finally it renumbers link types: pcapgo boxes each
// packet's link type into an interface value, which allocates for numbers
// of 256 and above (Linux cooked v2 is 276), so the guard hands pcapgo the
// index of the link type in its links table instead.
//
// Every block (pcapng, draft-ietf-opsawg-pcapng), in the byte order of its
// section:
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+---------------------------------------------------------------+
//	|                          Block Type                           |
//	+---------------------------------------------------------------+
//	|                      Block Total Length                       |
//	+---------------------------------------------------------------+
//	/                 Block Body (padded to 32 bits)                /
//	+---------------------------------------------------------------+
//	|                      Block Total Length                       |
//	+---------------------------------------------------------------+
//
// Section Header Block (type 0x0A0D0D0A; its byte-order magic sets the order
// of the whole section, which is why a section may differ from the last):
//
//	| type | length | byte-order magic 0x1A2B3C4D | major 1 | minor 0 | section length (8) | options... | length |
//
// Interface Description Block (type 1; interfaces are numbered from 0 in the
// order of their IDBs within a section; option if_tsresol (9) sets the
// timestamp unit of the interface, 10^-n or 2^-n seconds when bit 7 is set):
//
//	| type | length | link type (2) | reserved (2) | snap length (4) | options... | length |
//
// Enhanced Packet Block (type 6; Obsolete Packet Block, type 2, has the same
// layout with a 2-byte interface id and a 2-byte drop count):
//
//	| type | length | interface id (4) | timestamp high (4) | timestamp low (4) |
//	| captured length (4) | original length (4) | data, padded to 32 bits | options... | length |
//
// Simple Packet Block (type 3; interface 0, no timestamp; the captured length
// is the original length cut to interface 0's snap length):
//
//	| type | length | original length (4) | data, padded to 32 bits | length |
type ngGuard struct {
	r      *bufio.Reader
	ioe    *ioErrReader
	buf    []byte     // the block being handed out
	off    int        // how much of buf has been handed out
	big    bool       // byte order of the current section
	snap0  uint32     // snap length of interface 0 of the current section
	ifaces int        // interfaces described so far in the current section
	links  []LinkType // link types seen, indexed by the numbers pcapgo sees
	at     int64      // input offset of the next block, for error messages
	err    error      // sticky: io.EOF or why the stream stopped
}

// Read hands out the current block, fetching and checking the next one when
// it is used up. It never returns part of a block that failed its checks.
func (g *ngGuard) Read(p []byte) (int, error) {
	for g.off == len(g.buf) {
		if g.err != nil {
			return 0, g.err
		}
		g.err = g.fill()
	}
	n := copy(p, g.buf[g.off:])
	g.off += n
	return n, nil
}

func (g *ngGuard) u32(b []byte) uint32 {
	if g.big {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}

func (g *ngGuard) u16(b []byte) uint16 {
	if g.big {
		return binary.BigEndian.Uint16(b)
	}
	return binary.LittleEndian.Uint16(b)
}

func (g *ngGuard) put16(b []byte, v uint16) {
	if g.big {
		binary.BigEndian.PutUint16(b, v)
	} else {
		binary.LittleEndian.PutUint16(b, v)
	}
}

func (g *ngGuard) put32(b []byte, v uint32) {
	if g.big {
		binary.BigEndian.PutUint32(b, v)
	} else {
		binary.LittleEndian.PutUint32(b, v)
	}
}

// fill loads the next block the Reader needs into buf, skipping the others.
func (g *ngGuard) fill() error {
	g.buf, g.off = g.buf[:0], 0 // the last block is used up; nothing is handed out until a block passes
	for {
		hdr, err := g.r.Peek(12)
		if g.ioe.err != nil {
			return fmt.Errorf("pcapio: reading capture: %w", g.ioe.err)
		}
		if len(hdr) == 0 && err == io.EOF {
			return io.EOF
		}
		if len(hdr) < 8 {
			return fmt.Errorf("pcapio: %w: pcapng block header at offset %d is %d of 8 bytes", ErrTruncated, g.at, len(hdr))
		}
		typ := g.u32(hdr)
		if typ == ngSectionHeader {
			if len(hdr) < 12 {
				return fmt.Errorf("pcapio: %w: pcapng section header at offset %d cut off", ErrTruncated, g.at)
			}
			switch {
			case binary.BigEndian.Uint32(hdr[8:]) == ngByteOrderMagic:
				g.big = true
			case binary.LittleEndian.Uint32(hdr[8:]) == ngByteOrderMagic:
				g.big = false
			default:
				return fmt.Errorf("pcapio: %w: pcapng section header at offset %d has byte-order magic % x", ErrCorrupt, g.at, hdr[8:12])
			}
			g.ifaces, g.snap0 = 0, 0
		}
		length := g.u32(hdr[4:])
		if length < 12 || length%4 != 0 {
			return fmt.Errorf("pcapio: %w: pcapng block type %#x at offset %d has length %d", ErrCorrupt, typ, g.at, length)
		}
		minLen, wanted := ngMinLength(typ)
		if !wanted {
			start := g.at
			n, _ := g.r.Discard(int(length))
			g.at += int64(n)
			if n < int(length) {
				if g.ioe.err != nil {
					return fmt.Errorf("pcapio: reading capture: %w", g.ioe.err)
				}
				return fmt.Errorf("pcapio: %w: pcapng block type %#x at offset %d is %d of %d bytes", ErrTruncated, typ, start, n, length)
			}
			continue
		}
		if length < minLen || length > ngMaxForwardedLength {
			return fmt.Errorf("pcapio: %w: pcapng block type %#x at offset %d has length %d (want %d to %d)", ErrCorrupt, typ, g.at, length, minLen, ngMaxForwardedLength)
		}
		if cap(g.buf) < int(length) {
			g.buf = make([]byte, 0, length)
		}
		b := g.buf[:length]
		n, _ := io.ReadFull(g.r, b)
		if g.ioe.err != nil {
			return fmt.Errorf("pcapio: reading capture: %w", g.ioe.err)
		}
		if n < int(length) {
			return fmt.Errorf("pcapio: %w: pcapng block type %#x at offset %d is %d of %d bytes", ErrTruncated, typ, g.at, n, length)
		}
		if trailer := g.u32(b[length-4:]); trailer != length {
			return fmt.Errorf("pcapio: %w: pcapng block type %#x at offset %d: leading length %d, trailing %d", ErrCorrupt, typ, g.at, length, trailer)
		}
		b, err = g.check(typ, b)
		if err != nil {
			return err
		}
		g.buf = b
		g.at += int64(length)
		return nil
	}
}

// ngMinLength returns the smallest valid length of the block types the
// Reader needs, and false for the block types it skips.
func ngMinLength(typ uint32) (uint32, bool) {
	switch typ {
	case ngSectionHeader:
		return 28, true
	case ngInterfaceDesc:
		return 20, true
	case ngEnhancedPacket, ngObsoletePacket:
		return 32, true
	case ngSimplePacket:
		return 16, true
	}
	return 0, false
}

// check verifies the lengths inside a packet block, given whole in b,
// against the block's own, and returns it with packet block options stripped.
func (g *ngGuard) check(typ uint32, b []byte) ([]byte, error) {
	length := uint32(len(b))
	switch typ {
	case ngInterfaceDesc:
		if g.ifaces == 0 {
			g.snap0 = g.u32(b[12:])
		}
		g.ifaces++
		link := LinkType(g.u16(b[8:]))
		i := slices.Index(g.links, link)
		if i < 0 {
			if len(g.links) == maxLinkTypes {
				return nil, fmt.Errorf("pcapio: %w: pcapng interface at offset %d: more than %d link types", ErrCorrupt, g.at, maxLinkTypes)
			}
			i = len(g.links)
			g.links = append(g.links, link)
		}
		g.put16(b[8:], uint16(i))
	case ngEnhancedPacket, ngObsoletePacket:
		captured := g.u32(b[20:])
		if captured > length-32 {
			return nil, fmt.Errorf("pcapio: %w: pcapng packet block at offset %d claims %d captured bytes in a %d-byte block", ErrCorrupt, g.at, captured, length)
		}
		if stripped := 32 + (captured+3)&^3; stripped < length {
			g.put32(b[4:], stripped)
			g.put32(b[stripped-4:], stripped)
			b = b[:stripped]
		}
	case ngSimplePacket:
		captured := g.u32(b[8:]) // pcapgo takes the original length, cut to interface 0's snap length
		if g.snap0 != 0 && captured > g.snap0 {
			captured = g.snap0
		}
		if captured > length-16 {
			return nil, fmt.Errorf("pcapio: %w: pcapng simple packet block at offset %d claims %d bytes in a %d-byte block", ErrCorrupt, g.at, captured, length)
		}
	}
	return b, nil
}

// explain turns an error out of pcapgo's NgReader into one of ours: the
// guard's own verdict when it stopped the stream, else a format error that
// pcapgo found inside a block the guard passed.
func (g *ngGuard) explain(err error) error {
	switch {
	case g.err != nil && g.err != io.EOF:
		return g.err
	case err == io.EOF && g.err == io.EOF:
		return io.EOF
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		// The guard only hands out whole blocks; pcapgo ran past one.
		return fmt.Errorf("pcapio: %w: pcapng block contents overrun the block", ErrCorrupt)
	}
	return fmt.Errorf("pcapio: %w: %v", ErrCorrupt, err)
}
