package pcapio_test

import (
	"bytes"
	"encoding/binary"
	"flag"
	"io"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/pcapio"
)

// callPackets is a 1-hour two-way call with 20 ms packets: 180,000 each way.
const callPackets = 2 * 3600 * 50

// writeCall writes a 1-hour two-way G.711 call as innovaphone records it
// (local side UDP 16386, remote 16388): RTP packets of 172 bytes (12-byte
// header, 160 bytes of PCMA), 20 ms apart, alternating directions.
func writeCall(write func(ts time.Time, src, dst netip.AddrPort, payload []byte) error) error {
	local := netip.MustParseAddrPort("10.0.0.1:16386")
	remote := netip.MustParseAddrPort("10.0.0.2:16388")
	rtp := make([]byte, 172)
	for i := 12; i < len(rtp); i++ {
		rtp[i] = 0xd5 // A-law silence
	}
	for i := range callPackets / 2 {
		for dir, ends := range [2][2]netip.AddrPort{{local, remote}, {remote, local}} {
			rtp[0], rtp[1] = 0x80, 8
			binary.BigEndian.PutUint16(rtp[2:], uint16(i))
			binary.BigEndian.PutUint32(rtp[4:], uint32(i*160))
			binary.BigEndian.PutUint32(rtp[8:], 0x1000+uint32(dir))
			ts := t0.Add(time.Duration(i)*20*time.Millisecond + time.Duration(dir)*3*time.Millisecond)
			if err := write(ts, ends[0], ends[1], rtp); err != nil {
				return err
			}
		}
	}
	return nil
}

func callFile(tb testing.TB, format string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	eth := pcapio.FrameOptions{LinkType: pcapio.LinkEthernet}
	switch format {
	case "pcap":
		w, err := pcapio.NewWriter(&buf, pcapio.WriterOptions{FrameOptions: eth})
		require.NoError(tb, err)
		require.NoError(tb, writeCall(w.WriteUDP))
	case "pcapng":
		w, err := pcapio.NewNgWriter(&buf, pcapio.NgWriterOptions{Interfaces: []pcapio.NgInterface{{FrameOptions: eth}}})
		require.NoError(tb, err)
		require.NoError(tb, writeCall(func(ts time.Time, src, dst netip.AddrPort, p []byte) error {
			return w.WriteUDP(0, ts, src, dst, p)
		}))
	}
	return buf.Bytes()
}

// BenchmarkReadCall reads the whole 1-hour call per operation, from opening
// the reader to io.EOF, and reports packets per second.
func BenchmarkReadCall(b *testing.B) {
	for _, format := range []string{"pcap", "pcapng"} {
		b.Run(format, func(b *testing.B) {
			data := callFile(b, format)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var (
				p       pcapio.Packet
				packets int
			)
			for b.Loop() {
				r, err := pcapio.NewReader(bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				for err = r.Next(&p); err == nil; err = r.Next(&p) {
					packets++
				}
				if err != io.EOF || r.Stats().UDP != callPackets {
					b.Fatalf("%v after %+v", err, r.Stats())
				}
			}
			b.ReportMetric(float64(packets)/b.Elapsed().Seconds(), "packets/s")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(packets), "ns/packet")
		})
	}
}

// BenchmarkNext measures one packet per operation, so allocs/op is the
// allocation count per packet.
func BenchmarkNext(b *testing.B) {
	data := callFile(b, "pcap")
	b.ReportAllocs()
	r, err := pcapio.NewReader(bytes.NewReader(data))
	require.NoError(b, err)
	var p pcapio.Packet
	for b.Loop() {
		if err := r.Next(&p); err != nil {
			b.StopTimer()
			r, err = pcapio.NewReader(bytes.NewReader(data))
			require.NoError(b, err)
			b.StartTimer()
		}
	}
}

var callFilePath = flag.String("callfile", "", "path of the 1-hour call capture that bench/pcapio.sh times against tshark")

// TestWriteCallFile and TestReadCallFile only act when bench/pcapio.sh
// passes -callfile.

// TestWriteCallFile writes the benchmark's call to -callfile, for
// bench/pcapio.sh; without the flag there is nothing to do.
func TestWriteCallFile(t *testing.T) {
	if *callFilePath == "" {
		t.Skip("no -callfile given (bench/pcapio.sh sets it)")
	}
	require.NoError(t, os.WriteFile(*callFilePath, callFile(t, "pcap"), 0o644))
}

var callReads = flag.Int("callreads", 1, "how many times TestReadCallFile reads -callfile")

// TestReadCallFile reads -callfile from disk -callreads times, for
// bench/pcapio.sh to measure the process as it measures tshark's.
func TestReadCallFile(t *testing.T) {
	if *callFilePath == "" {
		t.Skip("no -callfile given (bench/pcapio.sh sets it)")
	}
	var p pcapio.Packet
	for range *callReads {
		f, err := os.Open(*callFilePath)
		require.NoError(t, err)
		r, err := pcapio.NewReader(f)
		require.NoError(t, err)
		for err = r.Next(&p); err == nil; err = r.Next(&p) {
		}
		require.ErrorIs(t, err, io.EOF)
		require.Equal(t, uint64(callPackets), r.Stats().UDP)
		require.NoError(t, f.Close())
	}
}
