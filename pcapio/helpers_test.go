package pcapio_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/pcapio"
)

// got is a Packet with its payload copied, comparable with require.Equal.
type got struct {
	Time     time.Time
	Proto    pcapio.Proto
	Src, Dst netip.AddrPort
	Payload  string
	Seq      uint32
}

func keep(p pcapio.Packet) got {
	return got{Time: p.Time, Proto: p.Proto, Src: p.Src, Dst: p.Dst, Payload: string(p.Payload), Seq: p.Seq}
}

// readAll reads data to its end and returns the packets, the stats and the
// error that ended reading (io.EOF at a clean end). It fails t only when
// NewReader fails.
func readAll(t testing.TB, data []byte) ([]got, pcapio.Stats, error) {
	t.Helper()
	r, err := pcapio.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	var (
		out []got
		p   pcapio.Packet
	)
	for {
		if err = r.Next(&p); err != nil {
			return out, r.Stats(), err
		}
		out = append(out, keep(p))
	}
}

// mustReadAll is readAll for input that must end cleanly.
func mustReadAll(t testing.TB, data []byte) ([]got, pcapio.Stats) {
	t.Helper()
	pkts, st, err := readAll(t, data)
	require.ErrorIs(t, err, io.EOF)
	return pkts, st
}

var (
	t0    = time.Date(2026, 11, 25, 10, 0, 0, 123456789, time.UTC)
	addr4 = netip.MustParseAddrPort("192.0.2.10:16386")
	peer4 = netip.MustParseAddrPort("198.51.100.20:16388")
	addr6 = netip.MustParseAddrPort("[2001:db8::10]:16386")
	peer6 = netip.MustParseAddrPort("[2001:db8::20]:16388")
)

// pcapFile writes a classic pcap with opts and lets fill add records.
func pcapFile(t testing.TB, opts pcapio.WriterOptions, fill func(w *pcapio.Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := pcapio.NewWriter(&buf, opts)
	require.NoError(t, err)
	fill(w)
	return buf.Bytes()
}

// ngFile writes a pcapng section with opts and lets fill add records.
func ngFile(t testing.TB, opts pcapio.NgWriterOptions, fill func(w *pcapio.NgWriter)) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := pcapio.NewNgWriter(&buf, opts)
	require.NoError(t, err)
	fill(w)
	return buf.Bytes()
}

// frames returns the link-layer frames the Writer produces for one UDP
// datagram with frame options opts (several when it is fragmented).
func frames(t testing.TB, opts pcapio.FrameOptions, src, dst netip.AddrPort, payload []byte) [][]byte {
	t.Helper()
	return framesOf(t, opts, func(w *pcapio.Writer) {
		require.NoError(t, w.WriteUDP(t0, src, dst, payload))
	})
}

// framesOf returns the frames of the records that fill writes.
func framesOf(t testing.TB, opts pcapio.FrameOptions, fill func(w *pcapio.Writer)) [][]byte {
	t.Helper()
	data := pcapFile(t, pcapio.WriterOptions{FrameOptions: opts}, fill)
	var out [][]byte
	for b := data[24:]; len(b) > 0; {
		n := binary.LittleEndian.Uint32(b[8:])
		out = append(out, b[16:16+n])
		b = b[16+n:]
	}
	return out
}

// payload returns n bytes of a recognisable pattern.
func payload(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i*7)
	}
	return b
}

// ngBlock builds a raw pcapng block of type typ around body (padded).
func ngBlock(order binary.ByteOrder, typ uint32, body []byte) []byte {
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	n := uint32(12 + len(body))
	b := make([]byte, 12+len(body))
	order.PutUint32(b, typ)
	order.PutUint32(b[4:], n)
	copy(b[8:], body)
	order.PutUint32(b[8+len(body):], n)
	return b
}
