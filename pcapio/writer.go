package pcapio

import (
	"encoding/binary"
	"fmt"
	"io"
	"net/netip"
	"time"
)

// WriterOptions configure a classic pcap Writer. The zero value writes
// little-endian, microsecond LinkNull files: set FrameOptions.LinkType.
type WriterOptions struct {
	FrameOptions
	// Nanosecond writes nanosecond timestamps (magic 0xa1b23c4d).
	Nanosecond bool
	// BigEndian writes every header big-endian.
	BigEndian bool
	// Snaplen is the snap length declared in the file header; longer frames
	// are cut to it, keeping their original length, as a capture would.
	// Zero means MaxSnaplen.
	Snaplen uint32
}

// Writer writes classic pcap files of generated UDP and TCP packets, for
// test fixtures. Each Write call writes one or more whole records to the
// underlying io.Writer, which it does not buffer. A Writer is not safe for
// concurrent use.
type Writer struct {
	w     io.Writer
	f     *framer
	order byteOrder
	nano  bool
	snap  uint32
	rec   []byte
	t     time.Time // time of the records being emitted
}

// NewWriter writes the file header to w and returns a Writer for its
// records.
func NewWriter(w io.Writer, opts WriterOptions) (*Writer, error) {
	f, err := newFramer(opts.FrameOptions)
	if err != nil {
		return nil, err
	}
	wr := &Writer{w: w, f: f, order: binary.LittleEndian, nano: opts.Nanosecond, snap: opts.Snaplen}
	if opts.BigEndian {
		wr.order = binary.BigEndian
	}
	if wr.snap == 0 {
		wr.snap = MaxSnaplen
	}
	magic := uint32(magicMicro)
	if wr.nano {
		magic = magicNano
	}
	h := wr.order.AppendUint32(nil, magic)
	h = wr.order.AppendUint16(h, 2)
	h = wr.order.AppendUint16(h, 4)
	h = append(h, 0, 0, 0, 0, 0, 0, 0, 0) // thiszone, sigfigs
	h = wr.order.AppendUint32(h, wr.snap)
	h = wr.order.AppendUint32(h, uint32(opts.LinkType))
	if _, err := w.Write(h); err != nil {
		return nil, err
	}
	return wr, nil
}

// WriteUDP writes a UDP datagram from src to dst captured at t, with correct
// IP and UDP checksums; IPv4 or IPv6 after the addresses' family, split into
// fragments when it exceeds the MTU.
func (w *Writer) WriteUDP(t time.Time, src, dst netip.AddrPort, payload []byte) error {
	seg, err := w.f.udp(src, dst, payload)
	if err != nil {
		return err
	}
	w.t = t
	return w.f.frames(src.Addr(), dst.Addr(), protoUDP, seg, w.emit)
}

// WriteTCP writes one TCP segment (flags PSH and ACK, sequence number seq)
// carrying payload from src to dst, captured at t.
func (w *Writer) WriteTCP(t time.Time, src, dst netip.AddrPort, seq uint32, payload []byte) error {
	seg, err := w.f.tcp(src, dst, seq, payload)
	if err != nil {
		return err
	}
	w.t = t
	return w.f.frames(src.Addr(), dst.Addr(), protoTCP, seg, w.emit)
}

// WriteFrame writes frame, a whole link-layer frame, as one record.
func (w *Writer) WriteFrame(t time.Time, frame []byte) error {
	w.t = t
	return w.emit(frame)
}

func (w *Writer) emit(frame []byte) error {
	frac := uint32(w.t.Nanosecond())
	if !w.nano {
		frac /= 1000
	}
	captured := min(uint32(len(frame)), w.snap)
	r := w.order.AppendUint32(w.rec[:0], uint32(w.t.Unix()))
	r = w.order.AppendUint32(r, frac)
	r = w.order.AppendUint32(r, captured)
	r = w.order.AppendUint32(r, uint32(len(frame)))
	r = append(r, frame[:captured]...)
	w.rec = r
	_, err := w.w.Write(r)
	return err
}

// byteOrder is binary.LittleEndian or binary.BigEndian.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// NgInterface describes one interface of a pcapng file written by NgWriter.
type NgInterface struct {
	FrameOptions
	// TsResol is the if_tsresol option: timestamps count 10^-TsResol
	// seconds, or 2^-(TsResol&0x7f) when bit 7 is set. Zero leaves the
	// option out (microseconds). Writable: decimal 0 to 9, binary 0 to 30.
	TsResol uint8
	// Snaplen is the interface's snap length; longer frames are cut to it.
	// Zero means MaxSnaplen.
	Snaplen uint32
	// Simple writes this interface's packets as Simple Packet Blocks, which
	// have no timestamp. Only interface 0 can.
	Simple bool
}

// NgWriterOptions configure an NgWriter.
type NgWriterOptions struct {
	// Interfaces are described in the section header, numbered from 0.
	Interfaces []NgInterface
	// BigEndian writes the section big-endian.
	BigEndian bool
}

// NgWriter writes one pcapng section of generated packets on several
// interfaces, for test fixtures. Concatenated outputs of several NgWriters
// form a valid multi-section file. An NgWriter is not safe for concurrent
// use.
type NgWriter struct {
	w      io.Writer
	order  byteOrder
	ifaces []ngIface
	block  []byte
	begin  int      // offset in block of the block being built
	cur    *ngIface // interface of the records being emitted
	idx    uint32
	t      time.Time
}

type ngIface struct {
	NgInterface
	f *framer
}

// NewNgWriter writes the Section Header Block and one Interface Description
// Block per interface to w.
func NewNgWriter(w io.Writer, opts NgWriterOptions) (*NgWriter, error) {
	nw := &NgWriter{w: w, order: binary.LittleEndian}
	if opts.BigEndian {
		nw.order = binary.BigEndian
	}
	b := nw.start(ngSectionHeader)
	b = nw.order.AppendUint32(b, ngByteOrderMagic)
	b = nw.order.AppendUint16(b, 1)
	b = nw.order.AppendUint16(b, 0)
	b = nw.order.AppendUint64(b, ^uint64(0)) // section length unknown
	b = nw.finish(b)
	for i, in := range opts.Interfaces {
		f, err := newFramer(in.FrameOptions)
		if err != nil {
			return nil, err
		}
		if in.Simple && i != 0 {
			return nil, fmt.Errorf("pcapio: interface %d: only interface 0 can use Simple Packet Blocks", i)
		}
		if exp := in.TsResol & 0x7f; (in.TsResol&0x80 == 0 && exp > 9) || exp > 30 {
			return nil, fmt.Errorf("pcapio: interface %d: cannot write if_tsresol %#x", i, in.TsResol)
		}
		if in.Snaplen == 0 {
			in.Snaplen = MaxSnaplen
		}
		nw.ifaces = append(nw.ifaces, ngIface{NgInterface: in, f: f})
		b = nw.start(ngInterfaceDesc)
		b = nw.order.AppendUint16(b, uint16(in.LinkType))
		b = nw.order.AppendUint16(b, 0)
		b = nw.order.AppendUint32(b, in.Snaplen)
		if in.TsResol != 0 {
			b = nw.order.AppendUint16(b, 9) // if_tsresol
			b = nw.order.AppendUint16(b, 1)
			b = append(b, in.TsResol, 0, 0, 0)
			b = append(b, 0, 0, 0, 0) // opt_endofopt
		}
		b = nw.finish(b)
	}
	if _, err := w.Write(nw.block); err != nil {
		return nil, err
	}
	return nw, nil
}

// start begins a block at the end of w.block; finish fills in its length.
func (w *NgWriter) start(typ uint32) []byte {
	w.begin = len(w.block)
	b := w.order.AppendUint32(w.block, typ)
	return w.order.AppendUint32(b, 0)
}

// finish pads the block that start began, writes its length at both ends
// and returns the buffer holding every block built so far.
func (w *NgWriter) finish(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	length := uint32(len(b) - w.begin + 4)
	b = w.order.AppendUint32(b, length)
	w.order.PutUint32(b[w.begin+4:], length)
	w.block = b
	return b
}

// WriteUDP writes a UDP datagram from src to dst captured at t on interface
// iface, as IPv4 or IPv6 after the addresses' family, fragmented to the
// interface's MTU.
func (w *NgWriter) WriteUDP(iface int, t time.Time, src, dst netip.AddrPort, payload []byte) error {
	in, err := w.iface(iface)
	if err != nil {
		return err
	}
	seg, err := in.f.udp(src, dst, payload)
	if err != nil {
		return err
	}
	w.t = t
	return in.f.frames(src.Addr(), dst.Addr(), protoUDP, seg, w.emit)
}

// WriteTCP writes one TCP segment (PSH and ACK, sequence number seq) on
// interface iface.
func (w *NgWriter) WriteTCP(iface int, t time.Time, src, dst netip.AddrPort, seq uint32, payload []byte) error {
	in, err := w.iface(iface)
	if err != nil {
		return err
	}
	seg, err := in.f.tcp(src, dst, seq, payload)
	if err != nil {
		return err
	}
	w.t = t
	return in.f.frames(src.Addr(), dst.Addr(), protoTCP, seg, w.emit)
}

// WriteFrame writes a whole link-layer frame captured at t on interface
// iface.
func (w *NgWriter) WriteFrame(iface int, t time.Time, frame []byte) error {
	if _, err := w.iface(iface); err != nil {
		return err
	}
	w.t = t
	return w.emit(frame)
}

func (w *NgWriter) iface(i int) (*ngIface, error) {
	if i < 0 || i >= len(w.ifaces) {
		return nil, fmt.Errorf("pcapio: no interface %d (have %d)", i, len(w.ifaces))
	}
	w.cur, w.idx = &w.ifaces[i], uint32(i)
	return w.cur, nil
}

func (w *NgWriter) emit(frame []byte) error {
	in := w.cur
	captured := min(uint32(len(frame)), in.Snaplen)
	w.block = w.block[:0]
	var b []byte
	if in.Simple {
		b = w.start(ngSimplePacket)
		b = w.order.AppendUint32(b, uint32(len(frame)))
	} else {
		ts := timestampUnits(w.t, in.TsResol)
		b = w.start(ngEnhancedPacket)
		b = w.order.AppendUint32(b, w.idx)
		b = w.order.AppendUint32(b, uint32(ts>>32))
		b = w.order.AppendUint32(b, uint32(ts))
		b = w.order.AppendUint32(b, captured)
		b = w.order.AppendUint32(b, uint32(len(frame)))
	}
	b = append(b, frame[:captured]...)
	b = w.finish(b)
	_, err := w.w.Write(b)
	return err
}

// timestampUnits converts t to the units of an if_tsresol value.
func timestampUnits(t time.Time, resol uint8) uint64 {
	if resol == 0 {
		resol = 6
	}
	sec, nsec := uint64(t.Unix()), uint64(t.Nanosecond())
	exp := uint64(resol & 0x7f)
	if resol&0x80 != 0 {
		return sec<<exp + nsec<<exp/1e9
	}
	units := uint64(1)
	for range exp {
		units *= 10
	}
	return sec*units + nsec/(1e9/units)
}
