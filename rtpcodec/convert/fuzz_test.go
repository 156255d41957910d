package convert

import (
	"context"
	"encoding/binary"
	"net/netip"
	"testing"
	"time"

	"github.com/f0fce437/callrec/pcapio"
	"github.com/f0fce437/callrec/rtpcodec/callgen"
)

// FuzzPipeline feeds both passes packets built from fuzz data: each record
// is a flow choice, a time step and an RTP packet (header fields and
// payload) on one of three flows, one of them on an innovaphone port. The
// pipeline must not panic, must keep its output well-formed, and must give
// every segment sane counts.
func FuzzPipeline(f *testing.F) {
	seed := func(pk []pcapio.Packet) []byte {
		var b []byte
		for i, p := range pk {
			if i > 60 || len(p.Payload) < 12 {
				break
			}
			b = append(b, byte(i%3), 20, byte(len(p.Payload[12:])&0x3F))
			b = append(b, p.Payload[:12]...)
			b = append(b, p.Payload[12:12+len(p.Payload[12:])&0x3F]...)
		}
		return b
	}
	for _, c := range []callgen.Call{oneStream(nil), oneStream(func(s *callgen.Stream) {
		s.DTX, s.CNLevel, s.Seq, s.TS = true, 30, 65530, 0xFFFFFFF0
		s.DTMF = []callgen.Digit{{Key: '5', Start: 100 * time.Millisecond, Length: 100 * time.Millisecond}}
	})} {
		r, err := callgen.Generate(c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(seed(r.Packets[2:]))
	}
	f.Fuzz(pipelineBody)
}

// pipelineBody is FuzzPipeline's body.
func pipelineBody(t *testing.T, data []byte) {
	flows := [3][2]netip.AddrPort{
		{netip.MustParseAddrPort("192.0.2.1:16386"), netip.MustParseAddrPort("192.0.2.2:16388")},
		{netip.MustParseAddrPort("192.0.2.2:16388"), netip.MustParseAddrPort("192.0.2.1:16386")},
		{netip.MustParseAddrPort("10.0.0.1:3000"), netip.MustParseAddrPort("10.0.0.2:4000")},
	}
	{
		var pk []pcapio.Packet
		at := callgen.Epoch
		for len(data) >= 15 && len(pk) < 2000 {
			fl, step, n := flows[data[0]%3], time.Duration(data[1])*time.Millisecond, int(data[2]&0x3F)
			hdr := data[3:15]
			data = data[15:]
			n = min(n, len(data))
			payload := append(append([]byte{0x80 | hdr[0]&0x3F}, hdr[1:]...), data[:n]...)
			data = data[n:]
			if step == 255*time.Millisecond { // now and then a jump back in capture time
				step = -3 * time.Second
			}
			at = at.Add(step)
			pk = append(pk, pcapio.Packet{Time: at, Proto: pcapio.UDP, Src: fl[0], Dst: fl[1], Payload: payload})
		}
		var out memFile
		open := func() (packetSource, error) { return &sliceSource{p: pk}, nil }
		var info *Info
		var err error
		done := make(chan struct{})
		go func() {
			defer close(done)
			info, err = run(context.Background(), open, func() {}, &out, Options{})
		}()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			t.Fatalf("%d packets take more than 3 s", len(pk))
		}
		if err != nil {
			return // no audio, or nothing decodable: fine
		}
		if len(out.buf) < 44 || binary.LittleEndian.Uint32(out.buf[40:]) != uint32(len(out.buf)-44) {
			t.Fatalf("malformed WAV: %d bytes", len(out.buf))
		}
		if len(out.buf) > 44+4*16000*3600 {
			t.Fatalf("an hour of output from %d packets", len(pk))
		}
		for _, s := range info.Streams {
			if s.Packets < 0 || s.Lost < 0 || s.Duplicates < 0 || s.Late < 0 || s.JitterMs < 0 {
				t.Fatalf("bad counts %+v", s)
			}
		}
	}
}
