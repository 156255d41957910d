package recordingstest

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"sync"
	"syscall"
	"time"

	"github.com/f0fce437/callrec/recordings"
)

// Clock is a settable recordings.Clock, safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// FullDisk wraps a BlobStore with a byte budget shared by all writers:
// a write past it fails as a full disk does (ENOSPC, code
// InsufficientStorage). Aborted and deleted data give nothing back. It is
// safe for concurrent use.
type FullDisk struct {
	recordings.BlobStore
	mu   sync.Mutex
	left int64
}

// NewFullDisk returns inner with budget bytes of space left.
func NewFullDisk(inner recordings.BlobStore, budget int64) *FullDisk {
	return &FullDisk{BlobStore: inner, left: budget}
}

// SetBudget sets the space left.
func (d *FullDisk) SetBudget(n int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.left = n
}

// Create returns a writer that draws on the budget.
func (d *FullDisk) Create(ctx context.Context, key string) (recordings.BlobWriter, error) {
	w, err := d.BlobStore.Create(ctx, key)
	if err != nil {
		return nil, err
	}
	return &budgetWriter{BlobWriter: w, d: d}, nil
}

type budgetWriter struct {
	recordings.BlobWriter
	d *FullDisk
}

func (w *budgetWriter) Write(p []byte) (int, error) {
	w.d.mu.Lock()
	n := int64(len(p))
	if n > w.d.left {
		n = max(w.d.left, 0)
	}
	w.d.left -= n
	w.d.mu.Unlock()
	m, err := w.BlobWriter.Write(p[:n])
	if err == nil && m < len(p) {
		err = recordings.Wrap(syscall.ENOSPC, recordings.InsufficientStorage, "storage full")
	}
	return m, err
}

// Seek passes through when the wrapped writer can seek.
func (w *budgetWriter) Seek(off int64, whence int) (int64, error) {
	if s, ok := w.BlobWriter.(io.Seeker); ok {
		return s.Seek(off, whence)
	}
	return 0, errors.New("recordingstest: writer cannot seek")
}

// Converter is a stand-in for the real pcap → WAV pipeline, for tests of
// the service that must not depend on it. It decodes no audio: it walks the
// records of a classic pcap and writes a WAV of 20 ms of silence per record
// (8 kHz, mono, 16 bit). A body that is not a pcap fails; a pcap cut short
// converts as far as its records are whole, with a warning. It is safe for
// concurrent use.
type Converter struct {
	// Before, when set, runs first; an error from it fails the conversion.
	// Tests use it to block or count conversions.
	Before func(ctx context.Context) error
}

var _ recordings.Converter = (*Converter)(nil)

// Convert converts src into dst.
func (c *Converter) Convert(ctx context.Context, src io.ReadSeeker, dst io.WriteSeeker) (recordings.Media, error) {
	if c.Before != nil {
		if err := c.Before(ctx); err != nil {
			return recordings.Media{}, err
		}
	}
	var gh [24]byte
	if _, err := io.ReadFull(src, gh[:]); err != nil {
		return recordings.Media{}, errors.New("not a pcap: shorter than a pcap header")
	}
	var bo binary.ByteOrder
	switch binary.LittleEndian.Uint32(gh[:4]) {
	case 0xa1b2c3d4:
		bo = binary.LittleEndian
	case 0xd4c3b2a1:
		bo = binary.BigEndian
	default:
		return recordings.Media{}, errors.New("not a pcap: bad magic number")
	}
	var m recordings.Media
	packets := int64(0)
	for {
		var rh [16]byte
		_, err := io.ReadFull(src, rh[:])
		if err == io.EOF {
			break
		}
		if err != nil {
			m.Warnings = append(m.Warnings, "capture cut short")
			break
		}
		incl := int64(bo.Uint32(rh[8:12]))
		if incl > 1<<18 {
			return recordings.Media{}, errors.New("not a pcap: record too large")
		}
		if _, err := io.CopyN(io.Discard, src, incl); err != nil {
			m.Warnings = append(m.Warnings, "capture cut short")
			break
		}
		if packets == 0 {
			m.CaptureStart = time.Unix(int64(bo.Uint32(rh[0:4])), int64(bo.Uint32(rh[4:8]))*1000).UTC()
		}
		packets++
	}
	if packets == 0 {
		return recordings.Media{}, errors.New("no packets")
	}
	samples := packets * 160
	if err := writeSilentWAV(dst, samples); err != nil {
		return recordings.Media{}, err
	}
	m.Codecs = []string{"PCMA"}
	m.Duration = time.Duration(packets) * 20 * time.Millisecond
	m.Stats = []recordings.StreamStats{{Direction: "local", Codec: "PCMA", Packets: packets}}
	m.Streams = []byte(fmt.Sprintf(`{"streams":[{"direction":"local","packets":%d}]}`, packets))
	return m, nil
}

// writeSilentWAV writes the data first and the header last, as the real
// pipeline does (so the writer must seek).
func writeSilentWAV(w io.WriteSeeker, samples int64) error {
	if _, err := w.Seek(44, io.SeekStart); err != nil {
		return err
	}
	zero := make([]byte, 3200)
	for left := samples * 2; left > 0; {
		n := min(left, int64(len(zero)))
		if _, err := w.Write(zero[:n]); err != nil {
			return err
		}
		left -= n
	}
	if _, err := w.Seek(0, io.SeekStart); err != nil {
		return err
	}
	h := make([]byte, 44)
	copy(h, "RIFF")
	binary.LittleEndian.PutUint32(h[4:], uint32(36+samples*2))
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1)    // PCM
	binary.LittleEndian.PutUint16(h[22:], 1)    // mono
	binary.LittleEndian.PutUint32(h[24:], 8000) // rate
	binary.LittleEndian.PutUint32(h[28:], 16000)
	binary.LittleEndian.PutUint16(h[32:], 2)
	binary.LittleEndian.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], uint32(samples*2))
	_, err := w.Write(h)
	return err
}

// WritePCAP writes a classic pcap (Ethernet, IPv4, UDP to port 16386) of n
// records of 172 bytes of RTP-sized payload, 20 ms apart from start: a
// fixture the stand-in Converter accepts. It returns the bytes written.
func WritePCAP(w io.Writer, start time.Time, n int) (int64, error) {
	var total int64
	gh := make([]byte, 24)
	binary.LittleEndian.PutUint32(gh[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(gh[4:], 2)
	binary.LittleEndian.PutUint16(gh[6:], 4)
	binary.LittleEndian.PutUint32(gh[16:], 65535)
	binary.LittleEndian.PutUint32(gh[20:], 1) // Ethernet
	m, err := w.Write(gh)
	total += int64(m)
	if err != nil {
		return total, err
	}
	src, dst := netip.MustParseAddr("192.0.2.1").As4(), netip.MustParseAddr("192.0.2.2").As4()
	const payload = 172
	frame := make([]byte, 14+20+8+payload)
	frame[12], frame[13] = 0x08, 0x00
	ip := frame[14:]
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(20+8+payload))
	ip[8], ip[9] = 64, 17
	copy(ip[12:16], src[:])
	copy(ip[16:20], dst[:])
	udp := ip[20:]
	binary.BigEndian.PutUint16(udp[0:], 16386)
	binary.BigEndian.PutUint16(udp[2:], 16386)
	binary.BigEndian.PutUint16(udp[4:], uint16(8+payload))
	rh := make([]byte, 16)
	for i := range n {
		t := start.Add(time.Duration(i) * 20 * time.Millisecond)
		binary.LittleEndian.PutUint32(rh[0:], uint32(t.Unix()))
		binary.LittleEndian.PutUint32(rh[4:], uint32(t.Nanosecond()/1000))
		binary.LittleEndian.PutUint32(rh[8:], uint32(len(frame)))
		binary.LittleEndian.PutUint32(rh[12:], uint32(len(frame)))
		udp[8] = byte(i) // vary the payload a little
		for _, b := range [][]byte{rh, frame} {
			m, err := w.Write(b)
			total += int64(m)
			if err != nil {
				return total, err
			}
		}
	}
	return total, nil
}
