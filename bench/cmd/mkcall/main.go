// Command mkcall writes a generated two-way G.711 A-law call as an
// innovaphone-style pcap (both sides talking all the time, 20 ms packets),
// and the A-law payloads of each side as raw files, so that bench scripts
// can time pcap2wav against sox on the same audio.
//
//	mkcall -d 1h -o call.pcap -raw call   (writes call.pcap, call.local.al, call.remote.al)
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/f0fce437/callrec/rtpcodec/callgen"
)

func main() {
	d := flag.Duration("d", time.Hour, "call length")
	out := flag.String("o", "call.pcap", "pcap `file` to write")
	raw := flag.String("raw", "", "also write PREFIX.local.al and PREFIX.remote.al")
	flag.Parse()
	if err := run(*d, *out, *raw); err != nil {
		fmt.Fprintln(os.Stderr, "mkcall:", err)
		os.Exit(1)
	}
}

func run(d time.Duration, out, raw string) error {
	stream := func(local bool, start time.Duration) callgen.Stream {
		return callgen.Stream{Local: local, SSRC: 1, Start: start, Length: d, Delay: 5 * time.Millisecond,
			Bursts: []callgen.Burst{{Start: 0, Length: d, Sound: callgen.Noise, Amp: 3000}}}
	}
	r, err := callgen.Generate(callgen.Call{Signalling: callgen.Innovaphone, Streams: []callgen.Stream{
		stream(true, 10*time.Millisecond), stream(false, 13*time.Millisecond),
	}})
	if err != nil {
		return err
	}
	if err := writeFile(out, func(w *bufio.Writer) error { return r.WritePcap(w) }); err != nil {
		return err
	}
	if raw == "" {
		return nil
	}
	for _, side := range []struct {
		name string
		port uint16
	}{{"local", callgen.InnovaphoneLocalPort}, {"remote", callgen.InnovaphoneRemotePort}} {
		err := writeFile(raw+"."+side.name+".al", func(w *bufio.Writer) error {
			for _, p := range r.Packets {
				if p.Src.Port() == side.port && len(p.Payload) > 12 && p.Payload[1]&0x7F == 8 {
					if _, err := w.Write(p.Payload[12:]); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func writeFile(name string, fill func(*bufio.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := fill(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
