package pcapio_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/f0fce437/callrec/pcapio"
)

// Write a capture of one fragmented SIP INVITE and two RTP packets, then
// read it back.
func Example() {
	var file bytes.Buffer
	w, err := pcapio.NewWriter(&file, pcapio.WriterOptions{
		FrameOptions: pcapio.FrameOptions{LinkType: pcapio.LinkEthernet, VLANs: []uint16{100}, MTU: 1500},
	})
	if err != nil {
		panic(err)
	}
	pbx := netip.MustParseAddrPort("192.0.2.1:5060")
	phone := netip.MustParseAddrPort("192.0.2.2:5060")
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	invite := append([]byte("INVITE sip:200@pbx SIP/2.0\r\n"), bytes.Repeat([]byte("a=x\r\n"), 400)...)
	_ = w.WriteUDP(start, phone, pbx, invite)
	local := netip.MustParseAddrPort("192.0.2.2:16386")
	remote := netip.MustParseAddrPort("192.0.2.1:16388")
	_ = w.WriteUDP(start.Add(time.Second), local, remote, make([]byte, 172))
	_ = w.WriteUDP(start.Add(time.Second+20*time.Millisecond), remote, local, make([]byte, 172))

	r, err := pcapio.NewReader(&file)
	if err != nil {
		panic(err)
	}
	var p pcapio.Packet
	for {
		err := r.Next(&p)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Println("warning:", err) // ErrTruncated: keep what was read
			break
		}
		fmt.Println(p.Time.Format("15:04:05.000"), p.Proto, p.Src, "->", p.Dst, len(p.Payload), "bytes")
	}
	st := r.Stats()
	fmt.Printf("%d records, %d fragments reassembled into %d datagram\n", st.Records, st.Fragments, st.Reassembled)
	// Output:
	// 09:00:00.000 udp 192.0.2.2:5060 -> 192.0.2.1:5060 2028 bytes
	// 09:00:01.000 udp 192.0.2.2:16386 -> 192.0.2.1:16388 172 bytes
	// 09:00:01.020 udp 192.0.2.1:16388 -> 192.0.2.2:16386 172 bytes
	// 4 records, 2 fragments reassembled into 1 datagram
}

// A file that is not a capture gives an error naming the problem.
func ExampleNewReader_notACapture() {
	_, err := pcapio.NewReader(bytes.NewReader([]byte("RIFF....WAVEfmt ")))
	fmt.Println(err)
	fmt.Println(errors.Is(err, pcapio.ErrNotCapture))
	// Output:
	// pcapio: not a pcap or pcapng file: starts with 52 49 46 46
	// true
}
