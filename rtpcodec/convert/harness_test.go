package convert

import (
	"context"
	"encoding/binary"
	"io"
	"testing"

	"github.com/f0fce437/callrec/pcapio"
	"github.com/f0fce437/callrec/rtpcodec/callgen"
	"github.com/stretchr/testify/require"
)

// sliceSource yields generated packets as a capture reader would.
type sliceSource struct {
	p []pcapio.Packet
	i int
}

func (s *sliceSource) Next(p *pcapio.Packet) error {
	if s.i >= len(s.p) {
		return io.EOF
	}
	*p = s.p[s.i]
	s.i++
	return nil
}

// memFile is an in-memory io.WriteSeeker.
type memFile struct {
	buf []byte
	pos int
}

func (m *memFile) Write(p []byte) (int, error) {
	if need := m.pos + len(p); need > len(m.buf) {
		m.buf = append(m.buf, make([]byte, need-len(m.buf))...)
	}
	copy(m.buf[m.pos:], p)
	m.pos += len(p)
	return len(p), nil
}

func (m *memFile) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		m.pos = int(off)
	case io.SeekCurrent:
		m.pos += int(off)
	case io.SeekEnd:
		m.pos = len(m.buf) + int(off)
	}
	return int64(m.pos), nil
}

// recording is a converted call, split into channels.
type recording struct {
	info     *Info
	rate     int
	channels [][]int16
}

func convertPackets(t *testing.T, pk []pcapio.Packet, opts Options) recording {
	t.Helper()
	info, b := convertBytes(t, pk, opts)
	return parseWAV(t, info, b)
}

// convertBytes converts generated packets and returns the WAV file whole.
func convertBytes(t *testing.T, pk []pcapio.Packet, opts Options) (*Info, []byte) {
	t.Helper()
	var f memFile
	open := func() (packetSource, error) { return &sliceSource{p: pk}, nil }
	info, err := run(context.Background(), open, func() {}, &f, opts)
	require.NoError(t, err)
	return info, f.buf
}

func parseWAV(t *testing.T, info *Info, b []byte) recording {
	t.Helper()
	require.GreaterOrEqual(t, len(b), 44)
	require.Equal(t, "RIFF", string(b[:4]))
	require.Equal(t, uint32(len(b)-8), binary.LittleEndian.Uint32(b[4:]))
	require.Equal(t, uint32(len(b)-44), binary.LittleEndian.Uint32(b[40:]))
	ch := int(binary.LittleEndian.Uint16(b[22:]))
	rec := recording{info: info, rate: int(binary.LittleEndian.Uint32(b[24:])), channels: make([][]int16, ch)}
	data := b[44:]
	for i := 0; i+2*ch <= len(data); i += 2 * ch {
		for c := range ch {
			rec.channels[c] = append(rec.channels[c], int16(binary.LittleEndian.Uint16(data[i+2*c:])))
		}
	}
	return rec
}

func generate(t *testing.T, c callgen.Call) *callgen.Result {
	t.Helper()
	r, err := callgen.Generate(c)
	require.NoError(t, err)
	return r
}
