// Command g711dec decodes a raw G.711 file (A-law by default) to raw 16-bit
// little-endian PCM, for bench/g711.sh to time against sox and ffmpeg.
//
//	g711dec [-u] IN.al OUT.raw
package main

import (
	"bufio"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/f0fce437/callrec/rtpcodec/g711"
)

func main() {
	ulaw := flag.Bool("u", false, "µ-law instead of A-law")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: g711dec [-u] IN OUT")
		os.Exit(2)
	}
	if err := run(*ulaw, flag.Arg(0), flag.Arg(1)); err != nil {
		fmt.Fprintln(os.Stderr, "g711dec:", err)
		os.Exit(1)
	}
}

func run(ulaw bool, in, out string) error {
	law := g711.ALaw
	if ulaw {
		law = g711.MuLaw
	}
	src, err := os.Open(in)
	if err != nil {
		return err
	}
	defer src.Close()
	r := bufio.NewReaderSize(src, 1<<16)
	dst, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(dst, 1<<16)
	dec := g711.NewDecoder(law)
	payload := make([]byte, 160) // one 20 ms packet at a time, as RTP brings it
	pcm := make([]int16, 0, 160)
	raw := make([]byte, 320)
	for {
		n, err := io.ReadFull(r, payload)
		if n > 0 {
			pcm, _ = dec.Decode(pcm[:0], payload[:n])
			for i, v := range pcm {
				binary.LittleEndian.PutUint16(raw[2*i:], uint16(v))
			}
			if _, err := w.Write(raw[:2*n]); err != nil {
				return err
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return dst.Close()
}
