package wav

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// HeaderSize is the size of the header Writer writes.
const HeaderSize = 44

const bufSize = 64 << 10

// ErrTooLong is returned when the data would exceed the 4 GiB a RIFF size
// field can describe.
var ErrTooLong = errors.New("wav: data longer than 4 GiB")

// Writer streams 16-bit PCM into a WAVE file.
type Writer struct {
	w        io.WriteSeeker
	channels int
	buf      []byte
	written  int64 // data bytes written, buffered included
	err      error
}

// NewWriter writes the header of a file with the given sample rate and
// channel count to w (at its current position, normally 0) and returns a
// Writer for the samples. Close must be called to complete the file.
func NewWriter(w io.WriteSeeker, sampleRate, channels int) (*Writer, error) {
	if sampleRate <= 0 || channels <= 0 || channels > 16 {
		return nil, fmt.Errorf("wav: bad format: %d Hz, %d channels", sampleRate, channels)
	}
	wr := &Writer{w: w, channels: channels, buf: make([]byte, 0, bufSize)}
	var h [HeaderSize]byte
	copy(h[0:], "RIFF")
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1)
	binary.LittleEndian.PutUint16(h[22:], uint16(channels))
	binary.LittleEndian.PutUint32(h[24:], uint32(sampleRate))
	binary.LittleEndian.PutUint32(h[28:], uint32(sampleRate*channels*2))
	binary.LittleEndian.PutUint16(h[32:], uint16(channels*2))
	binary.LittleEndian.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[4:], 36)
	if _, err := w.Write(h[:]); err != nil {
		return nil, fmt.Errorf("wav: writing header: %w", err)
	}
	return wr, nil
}

// WriteSamples appends interleaved samples (frames of Channels samples).
// It does not retain s.
func (w *Writer) WriteSamples(s []int16) error {
	if w.err != nil {
		return w.err
	}
	if w.written+2*int64(len(s)) > math.MaxUint32-36 {
		w.err = ErrTooLong
		return w.err
	}
	for len(s) > 0 {
		room := (cap(w.buf) - len(w.buf)) / 2
		if room == 0 {
			if err := w.flush(); err != nil {
				return err
			}
			continue
		}
		n := min(room, len(s))
		b := w.buf[len(w.buf) : len(w.buf)+2*n]
		for i, v := range s[:n] {
			binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
		}
		w.buf = w.buf[:len(w.buf)+2*n]
		w.written += 2 * int64(n)
		s = s[n:]
	}
	return nil
}

func (w *Writer) flush() error {
	if _, err := w.w.Write(w.buf); err != nil {
		w.err = fmt.Errorf("wav: %w", err)
		return w.err
	}
	w.buf = w.buf[:0]
	return nil
}

// Frames returns the number of frames written so far.
func (w *Writer) Frames() int64 { return w.written / int64(2*w.channels) }

// Close writes the buffered samples and patches the sizes in the header.
// It does not close the underlying writer. The position of the underlying
// writer is left at the end of the file.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if err := w.flush(); err != nil {
		return err
	}
	var b [4]byte
	patch := func(off int64, v uint32) error {
		binary.LittleEndian.PutUint32(b[:], v)
		if _, err := w.w.Seek(off, io.SeekStart); err != nil {
			return err
		}
		_, err := w.w.Write(b[:])
		return err
	}
	if err := patch(4, uint32(36+w.written)); err != nil {
		return fmt.Errorf("wav: patching sizes: %w", err)
	}
	if err := patch(40, uint32(w.written)); err != nil {
		return fmt.Errorf("wav: patching sizes: %w", err)
	}
	if _, err := w.w.Seek(0, io.SeekEnd); err != nil {
		return fmt.Errorf("wav: %w", err)
	}
	w.err = errors.New("wav: writer closed")
	return nil
}
