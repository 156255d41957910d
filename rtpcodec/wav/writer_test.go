package wav_test

import (
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/f0fce437/callrec/rtpcodec/wav"
	goaudio "github.com/go-audio/audio"
	gowav "github.com/go-audio/wav"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRoundTripThroughGoAudio(t *testing.T) {
	for _, tc := range []struct {
		name     string
		rate, ch int
		n        int
	}{
		{"stereo 8k", 8000, 2, 100_000},
		{"mono 16k", 16000, 1, 40_001},
		{"empty", 8000, 2, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := os.Create(filepath.Join(t.TempDir(), "x.wav"))
			require.NoError(t, err)
			defer f.Close()
			w, err := wav.NewWriter(f, tc.rate, tc.ch)
			require.NoError(t, err)
			want := make([]int, tc.n*tc.ch)
			s := make([]int16, 0, 999)
			for i := range want {
				want[i] = int(int16(i*7919 + 3))
				s = append(s, int16(want[i]))
				if len(s) == cap(s) {
					require.NoError(t, w.WriteSamples(s))
					s = s[:0]
				}
			}
			require.NoError(t, w.WriteSamples(s))
			require.NoError(t, w.Close())
			assert.Equal(t, int64(tc.n), w.Frames())

			_, err = f.Seek(0, io.SeekStart)
			require.NoError(t, err)
			d := gowav.NewDecoder(f)
			buf, err := d.FullPCMBuffer()
			require.NoError(t, err)
			assert.Equal(t, tc.rate, buf.Format.SampleRate)
			assert.Equal(t, tc.ch, buf.Format.NumChannels)
			if tc.n > 0 {
				assert.Equal(t, want, buf.Data)
			}
			st, err := f.Stat()
			require.NoError(t, err)
			assert.Equal(t, int64(wav.HeaderSize+2*len(want)), st.Size())
		})
	}
}

func TestHeaderSizes(t *testing.T) {
	ws := &seekBuffer{}
	w, err := wav.NewWriter(ws, 16000, 2)
	require.NoError(t, err)
	require.NoError(t, w.WriteSamples([]int16{1, -1, 2, -2}))
	require.NoError(t, w.Close())
	b := ws.buf
	assert.Equal(t, "RIFF", string(b[0:4]))
	assert.Equal(t, uint32(36+8), binary.LittleEndian.Uint32(b[4:]))
	assert.Equal(t, uint32(64000), binary.LittleEndian.Uint32(b[28:]), "byte rate")
	assert.Equal(t, uint32(8), binary.LittleEndian.Uint32(b[40:]))
	assert.Equal(t, []byte{1, 0, 0xFF, 0xFF, 2, 0, 0xFE, 0xFF}, b[44:])
	assert.Error(t, w.WriteSamples([]int16{1}), "closed")
	_, err = wav.NewWriter(ws, 0, 2)
	assert.Error(t, err)
}

// seekBuffer is an in-memory io.WriteSeeker.
type seekBuffer struct {
	buf []byte
	pos int
}

func (s *seekBuffer) Write(p []byte) (int, error) {
	if need := s.pos + len(p); need > len(s.buf) {
		s.buf = append(s.buf, make([]byte, need-len(s.buf))...)
	}
	copy(s.buf[s.pos:], p)
	s.pos += len(p)
	return len(p), nil
}

func (s *seekBuffer) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		s.pos = int(off)
	case io.SeekCurrent:
		s.pos += int(off)
	case io.SeekEnd:
		s.pos = len(s.buf) + int(off)
	}
	return int64(s.pos), nil
}

type discardSeeker struct{}

func (discardSeeker) Write(p []byte) (int, error)           { return len(p), nil }
func (discardSeeker) Seek(int64, int) (int64, error)        { return 0, nil }
func (discardSeeker) Close() error                          { return nil }
func (discardSeeker) ReadAt(p []byte, _ int64) (int, error) { return 0, io.EOF }

// BenchmarkWriter writes one second of stereo 8 kHz audio per op.
func BenchmarkWriter(b *testing.B) {
	s := make([]int16, 16000)
	w, _ := wav.NewWriter(discardSeeker{}, 8000, 2)
	b.ReportAllocs()
	b.SetBytes(int64(2 * len(s)))
	for b.Loop() {
		_ = w.WriteSamples(s)
	}
}

// BenchmarkGoAudioWav writes the same second through go-audio/wav's encoder,
// the figure that made this package write its own.
func BenchmarkGoAudioWav(b *testing.B) {
	buf := &goaudio.IntBuffer{Format: &goaudio.Format{NumChannels: 2, SampleRate: 8000}, Data: make([]int, 16000), SourceBitDepth: 16}
	e := gowav.NewEncoder(discardSeeker{}, 8000, 16, 2, 1)
	b.ReportAllocs()
	b.SetBytes(32000)
	for b.Loop() {
		_ = e.Write(buf)
	}
}
