package pcapio_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/pcapio"
)

var update = flag.Bool("update", false, "rewrite the generated fuzz seed corpora in testdata/fuzz")

// FuzzReadPcap feeds arbitrary bytes, seeded with classic pcap files from
// the writer, to the reader: it must never panic, and must end every input
// with io.EOF or one of its error kinds.
func FuzzReadPcap(f *testing.F) { f.Fuzz(fuzzRead) }

// FuzzReadPcapng is FuzzReadPcap seeded with pcapng files.
func FuzzReadPcapng(f *testing.F) { f.Fuzz(fuzzRead) }

func fuzzRead(t *testing.T, data []byte) {
	r, err := pcapio.NewReader(bytes.NewReader(data))
	if err != nil {
		requireKnown(t, err)
		return
	}
	var p pcapio.Packet
	for n := 0; ; n++ {
		if err = r.Next(&p); err != nil {
			break
		}
		if n > len(data) {
			t.Fatalf("%d packets from %d bytes", n, len(data))
		}
		if len(p.Payload) > 65535 {
			t.Fatalf("payload of %d bytes", len(p.Payload))
		}
	}
	requireKnown(t, err)
	st := r.Stats()
	if st.UDP+st.TCP+st.Skipped.Total() > st.Records+st.Fragments {
		t.Fatalf("stats count more than was read: %+v", st)
	}
}

func requireKnown(t *testing.T, err error) {
	t.Helper()
	for _, known := range []error{io.EOF, pcapio.ErrEmpty, pcapio.ErrNotCapture, pcapio.ErrTruncated, pcapio.ErrCorrupt} {
		if errors.Is(err, known) {
			return
		}
	}
	t.Fatalf("error of no known kind: %v", err)
}

// fuzzSeeds are the generated seed files of each fuzz target.
func fuzzSeeds(t *testing.T) map[string]map[string][]byte {
	eth := pcapio.FrameOptions{LinkType: pcapio.LinkEthernet}
	sip := bytes.Repeat([]byte("INVITE sip:a@b SIP/2.0\r\n"), 8)
	pcaps := map[string][]byte{}
	for _, lc := range linkCases {
		for _, ff := range fileFormats[:3] {
			src, dst := addr4, peer4
			if !lc.v4 {
				src, dst = addr6, peer6
			}
			pcaps[lc.name+"-"+ff.name] = pcapFile(t, pcapio.WriterOptions{FrameOptions: lc.opts, BigEndian: ff.bigEndian, Nanosecond: ff.nanosecond}, func(w *pcapio.Writer) {
				require.NoError(t, w.WriteUDP(t0, src, dst, payload(24, 1)))
				require.NoError(t, w.WriteTCP(t0, dst, src, 9, []byte("SIP/2.0 200 OK\r\n\r\n")))
			})
		}
	}
	pcaps["fragments-ipv4"] = pcapFile(t, pcapio.WriterOptions{FrameOptions: pcapio.FrameOptions{LinkType: pcapio.LinkRaw, MTU: 96, ReverseFragments: true}}, func(w *pcapio.Writer) {
		require.NoError(t, w.WriteUDP(t0, addr4, peer4, sip))
	})
	pcaps["fragments-ipv6"] = pcapFile(t, pcapio.WriterOptions{FrameOptions: pcapio.FrameOptions{LinkType: pcapio.LinkRaw, MTU: 120}}, func(w *pcapio.Writer) {
		require.NoError(t, w.WriteUDP(t0, addr6, peer6, sip))
	})
	pcaps["snapped"] = pcapFile(t, pcapio.WriterOptions{FrameOptions: eth, Snaplen: 60}, func(w *pcapio.Writer) {
		require.NoError(t, w.WriteUDP(t0, addr4, peer4, payload(40, 3)))
	})
	full := pcaps["ethernet-le-us"]
	pcaps["truncated"] = full[:len(full)-7]

	ngs := map[string][]byte{}
	multi := []pcapio.NgInterface{
		{FrameOptions: eth, Simple: true},
		{FrameOptions: pcapio.FrameOptions{LinkType: pcapio.LinkLinuxSLL2}, TsResol: 9},
		{FrameOptions: pcapio.FrameOptions{LinkType: pcapio.LinkIPv6}, TsResol: 0x80 | 20},
		{FrameOptions: pcapio.FrameOptions{LinkType: pcapio.LinkEthernet, VLANs: []uint16{1, 2}, MTU: 100}},
	}
	for _, bigEndian := range []bool{false, true} {
		ngs[fmt.Sprintf("interfaces-big-endian-%v", bigEndian)] = ngFile(t, pcapio.NgWriterOptions{Interfaces: multi, BigEndian: bigEndian}, func(w *pcapio.NgWriter) {
			require.NoError(t, w.WriteUDP(0, t0, addr4, peer4, payload(16, 1)))
			require.NoError(t, w.WriteUDP(1, t0, addr4, peer4, payload(16, 2)))
			require.NoError(t, w.WriteUDP(2, t0, addr6, peer6, payload(16, 3)))
			require.NoError(t, w.WriteUDP(3, t0, addr4, peer4, sip))
			require.NoError(t, w.WriteTCP(1, t0, addr4, peer4, 1, []byte("BYE")))
		})
	}
	single := ngFile(t, pcapio.NgWriterOptions{Interfaces: []pcapio.NgInterface{{FrameOptions: eth}}}, func(w *pcapio.NgWriter) {
		require.NoError(t, w.WriteUDP(0, t0.Add(time.Second), addr4, peer4, payload(20, 4)))
	})
	ngs["two-sections"] = append(append([]byte{}, ngs["interfaces-big-endian-true"]...), single...)
	ngs["truncated"] = single[:len(single)-5]
	return map[string]map[string][]byte{"FuzzReadPcap": pcaps, "FuzzReadPcapng": ngs}
}

// TestFuzzSeeds keeps the committed seed corpora equal to what the writer
// generates (go test -run TestFuzzSeeds -update rewrites them).
func TestFuzzSeeds(t *testing.T) {
	for target, seeds := range fuzzSeeds(t) {
		dir := filepath.Join("testdata", "fuzz", target)
		if *update {
			require.NoError(t, os.RemoveAll(dir))
			require.NoError(t, os.MkdirAll(dir, 0o755))
		}
		for name, data := range seeds {
			path := filepath.Join(dir, "seed-"+name)
			content := []byte("go test fuzz v1\n[]byte(" + strconv.Quote(string(data)) + ")\n")
			if *update {
				require.NoError(t, os.WriteFile(path, content, 0o644))
				continue
			}
			committed, err := os.ReadFile(path)
			require.NoError(t, err, "run go test -run TestFuzzSeeds -update")
			assert.Equal(t, string(content), string(committed), "%s is stale: run go test -run TestFuzzSeeds -update", path)
		}
	}
}

// TestHostileLengthsStayBounded reads files whose headers claim 4 GB
// records: the reader must refuse them without allocating anything near it.
func TestHostileLengthsStayBounded(t *testing.T) {
	le := func(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }
	pcapHeader := append(le(0xa1b2c3d4), 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0)
	pcapHeader = append(append(pcapHeader, le(0xffffffff)...), le(1)...)
	shb := append(append(le(0x0a0d0d0a), le(28)...), le(0x1a2b3c4d)...)
	shb = append(append(shb, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), le(28)...)
	idb := append(append(append(le(1), le(20)...), 1, 0, 0, 0), append(le(0xffffffff), le(20)...)...)
	cases := map[string][]byte{
		"pcap-snaplen-and-caplen": append(append(pcapHeader, 0, 0, 0, 0, 0, 0, 0, 0), append(le(0xfffffff0), le(0xfffffff0)...)...),
		"pcap-snaplen-only":       append(append(pcapHeader, 0, 0, 0, 0, 0, 0, 0, 0), append(le(40), le(40)...)...),
		"pcapng-block-length":     append(append(shb, le(6)...), le(0xfffffff0)...),
		"pcapng-captured-length":  append(append(append(shb, idb...), append(le(6), le(36)...)...), append(make([]byte, 12), append(le(0xfffffff0), le(0xfffffff0)...)...)...),
		"pcapng-simple-packet":    append(append(append(shb, idb...), append(le(3), le(20)...)...), append(le(0xfffffff0), make([]byte, 8)...)...),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, _, err := readAll(t, data)
			runtime.ReadMemStats(&after)
			assert.True(t, errors.Is(err, pcapio.ErrCorrupt) || errors.Is(err, pcapio.ErrTruncated), "%v", err)
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(4<<20), "bytes allocated")
		})
	}
}
