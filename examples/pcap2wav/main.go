// Command pcap2wav converts a call capture (pcap or pcapng) into a WAV file:
// 16-bit PCM, channel 0 the local side and channel 1 the remote side (or
// one channel with -mono), at 8000 Hz, or 16000 Hz when a stream is
// wideband. With -info it prints the capture's streams as JSON instead.
//
//	pcap2wav -o call.wav call.pcap
//	pcap2wav -mono -o call.wav call.pcap
//	pcap2wav -g729 annexa -o call.wav call.pcap
//	pcap2wav -info call.pcap
//
// -g729 selects the G.729 decoder: main (the full-complexity decoder of
// the main body, the default) or annexa (the reduced-complexity decoder of
// Annex A, which most phones encode with); both are bit-exact with their
// ITU-T reference decoders and decode Annex B comfort noise.
//
// -max-duration (default 24h) bounds the recording: audio whose place lies
// later is left out with a warning; 0 lifts the limit.
//
// Exit status: 0 on success (warnings go to stderr), 1 when the capture
// cannot be converted (one line on stderr says why), 2 on bad usage.
//
// It only wires flags to rtpcodec/convert.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/f0fce437/callrec/rtpcodec"
	"github.com/f0fce437/callrec/rtpcodec/convert"
	"github.com/f0fce437/callrec/rtpcodec/g729"
	"golang.org/x/term"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pcap2wav", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "write the WAV `file`")
	mono := fs.Bool("mono", false, "mix both sides into one channel")
	info := fs.Bool("info", false, "print the streams as JSON instead of converting")
	maxDuration := fs.Duration("max-duration", convert.DefaultMaxDuration, "longest recording to write; audio placed later is left out with a warning (0 or less: no limit)")
	var variant g729.Variant
	fs.TextVar(&variant, "g729", g729.MainBody, "G.729 `decoder`: main (full complexity) or annexa (reduced complexity, Annex A)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: pcap2wav [-mono] [-g729 main|annexa] [-max-duration D] -o OUT.wav IN.pcap | pcap2wav -info IN.pcap")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() != 1 || (*out == "") == !*info {
		fs.Usage()
		return exitUsage
	}
	in := fs.Arg(0)
	opts := convert.Options{Mono: *mono, Registry: registry(variant), MaxDuration: *maxDuration}
	if *maxDuration <= 0 {
		opts.MaxDuration = -1
	}

	src, err := os.Open(in)
	if err != nil {
		fmt.Fprintf(stderr, "pcap2wav: %v\n", err)
		return exitError
	}
	defer src.Close()

	if *info {
		inf, err := convert.Inspect(ctx, src, opts)
		if err != nil {
			fmt.Fprintf(stderr, "pcap2wav: %s: %v\n", in, err)
			return exitError
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(inf); err != nil {
			fmt.Fprintf(stderr, "pcap2wav: %v\n", err)
			return exitError
		}
		return exitOK
	}

	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		bar := &progressBar{w: stderr}
		opts.Progress = bar.update
		defer bar.done()
	}
	inf, err := convertFile(ctx, src, *out, opts)
	if inf != nil {
		for _, w := range inf.Warnings {
			fmt.Fprintf(stderr, "pcap2wav: warning: %s\n", w)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "pcap2wav: %s: %v\n", in, err)
		return exitError
	}
	return exitOK
}

// registry builds the codec registry from the flags: the default registry
// with G.729 decoded by the variant chosen.
func registry(v g729.Variant) *rtpcodec.Registry {
	r := rtpcodec.NewRegistry()
	for _, c := range rtpcodec.DefaultRegistry().Codecs() {
		if c.Name == g729.EncodingName {
			c = rtpcodec.G729(g729.Config{Variant: v})
		}
		r.Register(c)
	}
	return r
}

// convertFile converts into a temporary file beside out and renames it into
// place, so that a failed conversion leaves no partial WAV behind.
func convertFile(ctx context.Context, src io.ReadSeeker, out string, opts convert.Options) (*convert.Info, error) {
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	inf, err := convert.Convert(ctx, src, tmp, opts)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return inf, err
	}
	return inf, os.Rename(tmp.Name(), out)
}

// progressBar draws "[#####     ]  50%" on a terminal.
type progressBar struct {
	w    io.Writer
	last int
}

func (b *progressBar) update(done, total int64) {
	if total <= 0 {
		return
	}
	pct := int(done * 100 / total)
	if pct == b.last {
		return
	}
	b.last = pct
	const width = 30
	n := pct * width / 100
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = ' '
		if i < n {
			bar[i] = '#'
		}
	}
	fmt.Fprintf(b.w, "\r[%s] %3d%%", bar, pct)
}

func (b *progressBar) done() {
	if b.last > 0 {
		fmt.Fprint(b.w, "\r\033[K")
	}
}
