// Command g722dec decodes a raw G.722 stream (RTP payload octets, one after
// another) into 16 kHz signed 16-bit little-endian PCM, streaming in 20 ms
// packets. bench/g722.sh times it against ffmpeg and spandsp.
//
//	g722dec [-mode 1|2|3] [-o out.s16le] in.g722
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/f0fce437/callrec/rtpcodec/g722"
)

func main() {
	mode := flag.Int("mode", 1, "G.722 mode: 1 (64 kbit/s), 2 (56) or 3 (48)")
	outPath := flag.String("o", "/dev/null", "output file")
	flag.Parse()
	if flag.NArg() != 1 || *mode < 1 || *mode > 3 {
		fmt.Fprintln(os.Stderr, "usage: g722dec [-mode 1|2|3] [-o out.s16le] in.g722")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *outPath, g722.Mode(*mode)); err != nil {
		fmt.Fprintln(os.Stderr, "g722dec:", err)
		os.Exit(1)
	}
}

func run(inPath, outPath string, mode g722.Mode) error {
	in, err := os.Open(inPath)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(outPath)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(out, 64<<10)
	r := bufio.NewReaderSize(in, 64<<10)

	dec := g722.NewDecoder(mode)
	payload := make([]byte, 160)
	pcm := make([]int16, 0, 2*len(payload))
	raw := make([]byte, 0, 4*len(payload))
	for {
		n, err := io.ReadFull(r, payload)
		if n > 0 {
			pcm, _ = dec.Decode(pcm[:0], payload[:n])
			raw = raw[:0]
			for _, s := range pcm {
				raw = binary.LittleEndian.AppendUint16(raw, uint16(s))
			}
			if _, werr := w.Write(raw); werr != nil {
				return werr
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return out.Close()
}
