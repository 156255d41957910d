package pcapio

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"time"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// MaxSnaplen is the longest record the Reader accepts (libpcap's
// MAXIMUM_SNAPLEN). The snap length a file header declares is only advisory:
// a larger one is not allocated, and a record longer than MaxSnaplen is
// reported as ErrCorrupt instead of being read into memory.
const MaxSnaplen = 262144

// bufferSize is the read buffer between the caller's io.Reader and pcapgo.
const bufferSize = 64 << 10

// Magic numbers at the start of a capture file, read as little-endian.
const (
	magicMicro       = 0xa1b2c3d4 // classic pcap, µs, little-endian
	magicMicroSwap   = 0xd4c3b2a1 // classic pcap, µs, big-endian
	magicNano        = 0xa1b23c4d // classic pcap, ns, little-endian
	magicNanoSwap    = 0x4d3cb2a1 // classic pcap, ns, big-endian
	magicSectionHead = 0x0a0d0d0a // pcapng Section Header Block (a palindrome)
)

// Stats counts what a Reader has read so far.
type Stats struct {
	// Records is the number of capture records (frames) read.
	Records uint64
	// UDP and TCP count the packets Next has returned: UDP datagrams (a
	// reassembled datagram counts once) and TCP segments.
	UDP, TCP uint64
	// Skipped counts records that yielded nothing, by reason.
	Skipped Skipped
	// Fragments is the number of IP fragments read (IPv4, and IPv6 with a
	// Fragment header).
	Fragments uint64
	// Reassembled is the number of datagrams rebuilt from fragments.
	Reassembled uint64
	// Incomplete is the number of fragmented datagrams given up with pieces
	// missing: evicted when MaxPendingDatagrams were pending, older than
	// FragmentTimeout in capture time, or still pending at the end of the file.
	Incomplete uint64
}

// Skipped counts records that were read but yielded no packet. None of these
// stop the Reader. Bad checksums are not a reason: captures taken on the
// sending host routinely carry unfinished, offloaded checksums.
type Skipped struct {
	// LinkType counts records of a link type the Reader does not decode.
	LinkType uint64
	// NonIP counts frames carrying neither IPv4 nor IPv6 (ARP, LLDP, STP...).
	NonIP uint64
	// Protocol counts IP packets carrying neither UDP nor TCP (ICMP, ESP...).
	Protocol uint64
	// Malformed counts frames whose link, IP, IPv6 extension, UDP or TCP
	// header does not parse, and fragments that contradict their datagram.
	Malformed uint64
	// Snapped counts packets cut short by the capture's snap length: their
	// payload is incomplete, so they are not returned.
	Snapped uint64
}

// Total is the number of records skipped for any reason.
func (s Skipped) Total() uint64 {
	return s.LinkType + s.NonIP + s.Protocol + s.Malformed + s.Snapped
}

// source yields the records of one file format. data is valid until the next
// call; a zero ts means the record carries no timestamp (pcapng SPB).
type source interface {
	next() (data []byte, ts time.Time, link LinkType, err error)
}

// Reader reads UDP datagrams and TCP segment payloads from a classic pcap or
// pcapng stream, one at a time and without allocating per packet.
//
// A Reader is not safe for concurrent use.
type Reader struct {
	src      source
	dec      decoder
	frag     reassembler
	stats    Stats
	lastTime time.Time
	err      error // sticky: io.EOF or the error that ended reading
}

// NewReader detects the format of r (classic pcap in either byte order with
// µs or ns timestamps, or pcapng) and reads its file header. It returns an
// error wrapping ErrEmpty, ErrNotCapture, ErrTruncated or ErrCorrupt when r
// is not a readable capture, or the error of r itself.
//
// The Reader buffers r; it reads r only as Next asks for more.
func NewReader(r io.Reader) (*Reader, error) {
	ioe := &ioErrReader{r: r}
	br := bufio.NewReaderSize(ioe, bufferSize)
	head, _ := br.Peek(4)
	if ioe.err != nil {
		return nil, fmt.Errorf("pcapio: reading capture: %w", ioe.err)
	}
	if len(head) == 0 {
		return nil, fmt.Errorf("pcapio: %w (0 bytes)", ErrEmpty)
	}
	if len(head) < 4 {
		return nil, fmt.Errorf("pcapio: %w: only %d bytes", ErrNotCapture, len(head))
	}
	var (
		src source
		err error
	)
	switch magic := binary.LittleEndian.Uint32(head); magic {
	case magicMicro, magicMicroSwap, magicNano, magicNanoSwap:
		src, err = newClassicSource(br, ioe)
	case magicSectionHead:
		src, err = newNgSource(br, ioe)
	default:
		if head[0] == 0x1f && head[1] == 0x8b {
			return nil, fmt.Errorf("pcapio: %w: gzip-compressed data (decompress it first)", ErrNotCapture)
		}
		return nil, fmt.Errorf("pcapio: %w: starts with % x", ErrNotCapture, head)
	}
	if err != nil {
		return nil, err
	}
	rd := &Reader{src: src}
	rd.dec.init()
	rd.frag.stats = &rd.stats
	return rd, nil
}

// Next fills p with the next UDP datagram or TCP segment payload. Records it
// cannot use are skipped and counted in Stats. p.Payload aliases a buffer of
// the Reader and is valid only until the next call to Next.
//
// Next returns io.EOF at the clean end of the input. An input cut off inside
// a record yields every complete packet before the cut, then an error
// wrapping ErrTruncated; a corrupt record header ends reading with an error
// wrapping ErrCorrupt. Once Next has returned an error it returns the same
// error again.
func (r *Reader) Next(p *Packet) error {
	if r.err != nil {
		return r.err
	}
	r.frag.release()
	for {
		data, ts, link, err := r.src.next()
		if err != nil {
			r.frag.flush()
			r.err = err
			return err
		}
		r.stats.Records++
		if ts.IsZero() {
			// A Simple Packet Block has no timestamp: keep the capture's
			// timeline monotonic by giving it the previous record's.
			ts = r.lastTime
		} else {
			r.lastTime = ts
		}
		if r.decodeFrame(data, link, ts, p) {
			return nil
		}
	}
}

// Stats returns the counts so far.
func (r *Reader) Stats() Stats { return r.stats }

// ioErrReader remembers the last error of the underlying reader other than
// io.EOF, so that format errors reported by pcapgo can be told apart from
// failures of the input itself.
type ioErrReader struct {
	r   io.Reader
	err error
}

func (e *ioErrReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}

// classicSource reads classic pcap through pcapgo.Reader.
//
//	File header (24 bytes, in the byte order the magic shows):
//	+----------------+--------+--------+----------------+----------------+----------------+----------------+
//	| magic          | major  | minor  | thiszone       | sigfigs        | snaplen        | linktype       |
//	+----------------+--------+--------+----------------+----------------+----------------+----------------+
//	Record: ts seconds (4), ts µs or ns (4), captured length (4), original length (4), captured bytes.
type classicSource struct {
	r    *pcapgo.Reader
	ioe  *ioErrReader
	link LinkType
}

func newClassicSource(br *bufio.Reader, ioe *ioErrReader) (*classicSource, error) {
	hdr, _ := br.Peek(24)
	if ioe.err != nil {
		return nil, fmt.Errorf("pcapio: reading capture: %w", ioe.err)
	}
	if len(hdr) < 24 {
		return nil, fmt.Errorf("pcapio: %w: pcap file header is %d of 24 bytes", ErrTruncated, len(hdr))
	}
	var order binary.ByteOrder = binary.LittleEndian
	if m := binary.LittleEndian.Uint32(hdr); m == magicMicroSwap || m == magicNanoSwap {
		order = binary.BigEndian
	}
	if major, minor := order.Uint16(hdr[4:]), order.Uint16(hdr[6:]); major != 2 || minor != 4 {
		return nil, fmt.Errorf("pcapio: %w: pcap version %d.%d (only 2.4 exists)", ErrCorrupt, major, minor)
	}
	pr, err := pcapgo.NewReader(br) // br is a *bufio.Reader: pcapgo reads through it unwrapped
	if err != nil {
		return nil, fmt.Errorf("pcapio: %w: %v", ErrCorrupt, err)
	}
	// The snap length in the header sizes pcapgo's buffer: never trust it.
	pr.SetSnaplen(MaxSnaplen)
	// The link type field's upper bits carry FCS information (pcap spec).
	link := LinkType(order.Uint32(hdr[20:]) & 0xffff)
	return &classicSource{r: pr, ioe: ioe, link: link}, nil
}

func (s *classicSource) next() ([]byte, time.Time, LinkType, error) {
	data, ci, err := s.r.ZeroCopyReadPacketData()
	if err == nil {
		return data, ci.Timestamp, s.link, nil
	}
	switch {
	case s.ioe.err != nil:
		err = fmt.Errorf("pcapio: reading capture: %w", s.ioe.err)
	case err == io.EOF && ci.CaptureLength == 0 && ci.Timestamp.IsZero():
		// EOF where the next record header would start: the clean end.
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		err = fmt.Errorf("pcapio: %w: record of %d bytes cut off", ErrTruncated, ci.CaptureLength)
	default:
		err = fmt.Errorf("pcapio: %w: %v", ErrCorrupt, err)
	}
	return nil, time.Time{}, 0, err
}

// ngSource reads pcapng through pcapgo.NgReader, fed by an ngGuard that
// checks each block before pcapgo sees it.
type ngSource struct {
	r     *pcapgo.NgReader
	guard *ngGuard
}

func newNgSource(br *bufio.Reader, ioe *ioErrReader) (*ngSource, error) {
	g := &ngGuard{r: br, ioe: ioe}
	nr, err := pcapgo.NewNgReader(g, pcapgo.NgReaderOptions{WantMixedLinkType: true})
	if err != nil {
		return nil, g.explain(err)
	}
	return &ngSource{r: nr, guard: g}, nil
}

func (s *ngSource) next() ([]byte, time.Time, LinkType, error) {
	data, ci, err := s.r.ZeroCopyReadPacketData()
	if err != nil {
		return nil, time.Time{}, 0, s.guard.explain(err)
	}
	// With WantMixedLinkType, pcapgo puts each packet's link type here: the
	// index into the guard's table that the guard wrote into the IDB.
	var link LinkType = 0xffff // not a link type: skipped as unsupported
	if len(ci.AncillaryData) > 0 {
		if i, ok := ci.AncillaryData[0].(layers.LinkType); ok && int(i) < len(s.guard.links) {
			link = s.guard.links[i]
		}
	}
	return data, ci.Timestamp, link, nil
}
