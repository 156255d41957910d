package recordingstest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/f0fce437/callrec/pcapio"
	"github.com/f0fce437/callrec/recordings"
	"github.com/f0fce437/callrec/rtpcodec/callgen"
	"github.com/f0fce437/callrec/rtpcodec/wav"
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
// the service that must not depend on it. It decodes no audio: it reads the
// capture with pcapio and writes a WAV of 20 ms of silence per UDP datagram
// (8 kHz, mono, 16 bit). A body that is not a capture fails; a capture cut
// short converts as far as its records are whole, with the warning
// "capture cut short". It is safe for concurrent use.
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
	rd, err := pcapio.NewReader(src)
	if err != nil {
		return recordings.Media{}, err
	}
	var m recordings.Media
	var p pcapio.Packet
	packets := int64(0)
	for {
		err := rd.Next(&p)
		if err == io.EOF {
			break
		}
		if errors.Is(err, pcapio.ErrTruncated) {
			m.Warnings = append(m.Warnings, "capture cut short")
			break
		}
		if err != nil {
			return recordings.Media{}, err
		}
		if p.Proto != pcapio.UDP {
			continue
		}
		if packets == 0 {
			m.CaptureStart = p.Time.UTC()
		}
		packets++
	}
	if packets == 0 {
		return recordings.Media{}, errors.New("no UDP packets in the capture")
	}
	if err := writeSilentWAV(dst, packets*160); err != nil {
		return recordings.Media{}, err
	}
	m.Codecs = []string{"PCMA"}
	m.Duration = time.Duration(packets) * 20 * time.Millisecond
	m.Stats = []recordings.StreamStats{{Direction: "local", Codec: "PCMA", Packets: packets}}
	m.Streams = []byte(fmt.Sprintf(`[{"direction":"local","packets":%d}]`, packets))
	return m, nil
}

// writeSilentWAV writes a WAV of samples samples of silence with the
// pipeline's writer (so the writer must seek, to patch the sizes).
func writeSilentWAV(w io.WriteSeeker, samples int64) error {
	ww, err := wav.NewWriter(w, 8000, 1)
	if err != nil {
		return err
	}
	zero := make([]int16, 1600)
	for left := samples; left > 0; {
		n := min(left, int64(len(zero)))
		if err := ww.WriteSamples(zero[:n]); err != nil {
			return err
		}
		left -= n
	}
	return ww.Close()
}

// WritePCAP writes a classic pcap (Ethernet, IPv4, UDP to port 16386) of n
// datagrams of 172 bytes of RTP-sized payload, 20 ms apart from start,
// with pcapio's fixture writer: 230 bytes per record after a 24-byte
// header. It returns the bytes written.
func WritePCAP(w io.Writer, start time.Time, n int) (int64, error) {
	cw := &countingWriter{w: w}
	pw, err := pcapio.NewWriter(cw, pcapio.WriterOptions{FrameOptions: pcapio.FrameOptions{LinkType: pcapio.LinkEthernet}})
	if err != nil {
		return cw.n, err
	}
	src := netip.MustParseAddrPort("192.0.2.1:16386")
	dst := netip.MustParseAddrPort("192.0.2.2:16386")
	payload := make([]byte, 172)
	for i := range n {
		payload[0] = byte(i) // vary the payload a little
		if err := pw.WriteUDP(start.Add(time.Duration(i)*20*time.Millisecond), src, dst, payload); err != nil {
			return cw.n, err
		}
	}
	return cw.n, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// CallPCAPBytes is CallPCAP into memory, failing tb on error.
func CallPCAPBytes(tb testing.TB, length time.Duration, seed uint64) []byte {
	tb.Helper()
	var b bytes.Buffer
	if _, err := CallPCAP(&b, length, seed); err != nil {
		tb.Fatalf("generating a call capture: %v", err)
	}
	return b.Bytes()
}

// CallPCAP writes an innovaphone-style capture of a two-way G.711 A-law
// call of the given length (local side on UDP 16386, remote on 16388, 20 ms
// packets, a dummy SIP INVITE / 200 OK), generated by rtpcodec/callgen:
// about 23 kB per second. The real pipeline converts it; seed varies the
// sounds.
func CallPCAP(w io.Writer, length time.Duration, seed uint64) (int64, error) {
	ms := time.Millisecond
	r, err := callgen.Generate(callgen.Call{Signalling: callgen.Innovaphone, Seed: seed, Streams: []callgen.Stream{
		{Local: true, SSRC: uint32(seed)*2 + 1, Start: 20 * ms, Length: length,
			Bursts: []callgen.Burst{{Start: 0, Length: length / 2, Sound: callgen.Speech, Freq: 120}}},
		{Local: false, SSRC: uint32(seed)*2 + 2, Start: 40 * ms, Length: length,
			Bursts: []callgen.Burst{{Start: length / 2, Length: length / 2, Freq: 440 + float64(seed%100)}}},
	}})
	if err != nil {
		return 0, err
	}
	cw := &countingWriter{w: w}
	err = r.WritePcap(cw)
	return cw.n, err
}
