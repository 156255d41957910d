package convert

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/f0fce437/callrec/rtpcodec"
	"github.com/f0fce437/callrec/rtpcodec/mix"
	"github.com/f0fce437/callrec/rtpcodec/wav"
)

// Options configure a conversion. The zero value converts to stereo with
// every built-in codec.
type Options struct {
	// Mono mixes both sides into one channel.
	Mono bool
	// Registry holds the codecs to decode with; nil means
	// rtpcodec.DefaultRegistry().
	Registry *rtpcodec.Registry
	// Logger receives warnings and progress details; nil discards them.
	Logger *slog.Logger
	// Progress, when set, is called now and then with the bytes of the
	// capture processed so far and the total to process (the capture is
	// read twice, so total is twice its size; -1 when unknown). It is
	// called from the converting goroutine.
	Progress func(done, total int64)
	// MaxDuration is the longest recording written: audio whose place lies
	// later than this after sample 0 is left out with a warning, so that a
	// capture with a packet stamped days after the call cannot make the
	// WAV (silence filled in up to that packet) grow without bound. 0 means
	// DefaultMaxDuration; a negative value means no limit.
	MaxDuration time.Duration
}

// DefaultMaxDuration is Options.MaxDuration's default: a day, far longer
// than a call and far shorter than the disk a hostile capture could fill
// (a day of 16 kHz stereo is 5.5 GB).
const DefaultMaxDuration = 24 * time.Hour

// maxFrames is MaxDuration in frames at rate (math.MaxInt64 for no limit),
// whole seconds and the rest taken apart so that no limit overflows.
func (o Options) maxFrames(rate int) int64 {
	d := o.MaxDuration
	switch {
	case d < 0:
		return math.MaxInt64
	case d == 0:
		d = DefaultMaxDuration
	}
	return int64(d/time.Second)*int64(rate) + int64(d%time.Second)*int64(rate)/int64(time.Second)
}

func (o Options) registry() *rtpcodec.Registry {
	if o.Registry != nil {
		return o.Registry
	}
	return rtpcodec.DefaultRegistry()
}

func (o Options) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Convert reads the capture src and writes its audio to dst as a 16-bit PCM
// WAV file: stereo (channel 0 the local side, channel 1 the remote side) or,
// with Options.Mono, one channel. It reads src twice (seeking back to its
// start) and holds neither the capture nor the audio in memory.
//
// On ErrNotDecodable the returned Info describes the streams and dst is
// left untouched; on the other errors Info is nil.
func Convert(ctx context.Context, src io.ReadSeeker, dst io.WriteSeeker, opts Options) (*Info, error) {
	open, progress := seekOpener(src, &opts)
	return run(ctx, open, progress, dst, opts)
}

// Inspect reads the capture src (twice, seeking back to its start) and
// describes its streams without decoding them: the Info that Convert would
// return. A capture whose audio is in no supported codec is not an error
// here; the warnings name the codecs.
func Inspect(ctx context.Context, src io.ReadSeeker, opts Options) (*Info, error) {
	open, progress := seekOpener(src, &opts)
	info, err := run(ctx, open, progress, nil, opts)
	if errors.Is(err, ErrNotDecodable) {
		err = nil
	}
	return info, err
}

// seekOpener opens src from its start each time, counting the bytes read
// for the progress callback.
func seekOpener(src io.ReadSeeker, opts *Options) (opener, func()) {
	total := int64(-1)
	if end, err := src.Seek(0, io.SeekEnd); err == nil {
		total = 2 * end
	}
	counter := &countingReader{r: src, total: total, progress: opts.Progress}
	open := func() (packetSource, error) {
		if _, err := src.Seek(0, io.SeekStart); err != nil {
			return nil, fmt.Errorf("convert: rewinding the capture: %w", err)
		}
		return newPcapReader(counter)
	}
	return open, counter.report
}

type countingReader struct {
	r        io.Reader
	n, total int64
	progress func(done, total int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) report() {
	if c.progress != nil {
		c.progress(c.n, c.total)
	}
}

// run is the two-pass conversion; dst == nil only inspects. progress is
// called every few thousand packets.
func run(ctx context.Context, open opener, progress func(), dst io.WriteSeeker, opts Options) (*Info, error) {
	log := opts.logger()
	src, err := open()
	if err != nil {
		return nil, err
	}
	pl, err := scan(ctx, src, opts.registry(), progress)
	if err != nil {
		return nil, err
	}
	if pl.audioFlows == 0 {
		return nil, fmt.Errorf("%w: %d packets read, %d SIP messages, no RTP stream in an audio codec", ErrNoAudio, pl.packets, pl.sig.Messages())
	}
	var warnings []string
	if pl.readErr != nil {
		warnings = append(warnings, fmt.Sprintf("capture cut off after %d packets (%v): converted what was readable", pl.packets, pl.readErr))
	}
	for _, u := range pl.undecodable {
		warnings = append(warnings, "unsupported codec "+u+": left silent")
	}
	for _, f := range pl.encrypted {
		warnings = append(warnings, "stream "+f+" is SRTP (RTP/SAVP in its SDP): its encrypted payloads decode as noise")
	}
	for _, w := range warnings {
		log.Warn(w)
	}

	channels := 2
	if opts.Mono {
		channels = 1
	}
	var ww *wav.Writer
	var sink mix.Sink
	decodable := pl.hasDecodable()
	if dst != nil && decodable {
		if ww, err = wav.NewWriter(dst, pl.rate, channels); err != nil {
			return nil, err
		}
		sink = ww
	}
	src, err = open()
	if err != nil {
		return nil, err
	}
	tl := newTimeline(pl, log, sink, opts.Mono, opts.maxFrames(pl.rate))
	if err := tl.run(ctx, src, progress); err != nil {
		return nil, err
	}
	info := &Info{Warnings: append(append([]string{}, warnings...), tl.warnings...), SampleRate: pl.rate, Channels: channels, Streams: []Stream{}, Start: time.Unix(0, pl.sample0).UTC()}
	for _, s := range tl.all {
		info.Streams = append(info.Streams, s.info())
	}
	for _, s := range info.Streams {
		if s.Packets > 0 && !slices.Contains(info.Codecs, s.Codec) {
			info.Codecs = append(info.Codecs, s.Codec)
		}
	}
	if ww != nil {
		if err := ww.Close(); err != nil {
			return nil, err
		}
		info.Frames = ww.Frames()
		info.Duration = time.Duration(info.Frames) * time.Second / time.Duration(pl.rate)
	}
	if dst != nil && !decodable {
		return info, fmt.Errorf("%w: %s", ErrNotDecodable, strings.Join(pl.undecodable, ", "))
	}
	return info, nil
}

// hasDecodable reports whether some audio payload type has a codec.
func (pl *plan) hasDecodable() bool {
	for _, c := range pl.classes {
		if c.kind == kindAudio && c.codec != nil {
			return true
		}
	}
	return false
}
