package convert

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/f0fce437/callrec/pcapio"
	"github.com/f0fce437/callrec/rtpcodec"
	"github.com/f0fce437/callrec/rtpcodec/mix"
	"github.com/pion/rtp"
)

const (
	// newStreamGuard: no new stream can start writing more than this far
	// before the current capture time (its reorder window is far shorter).
	newStreamGuard = 2 // seconds
	// idleAfter: a stream that has sent nothing for this long and holds no
	// packets no longer holds back the mixer.
	idleAfter = 5e9 // ns
	// mixerFrames is the mixer's ring: 32 s at 16 kHz, 4 MiB.
	mixerFrames = 1 << 19
)

type streamKey struct {
	flow rtpcodec.Flow
	ssrc uint32
}

// timeline is pass 2: it routes every RTP packet to its segment, lets the
// segments place their audio, and writes the mix out as far as no segment
// can still write.
type timeline struct {
	pl      *plan
	log     *slog.Logger
	rate    int
	writing bool
	mixer   *mix.Mixer
	// maxFrames bounds the recording; beyond counts the samples placed
	// past it and left out.
	maxFrames int64
	beyond    int64

	streams map[streamKey]*segment
	all     []*segment // in order of first packet
	active  []*segment

	recent       [4]recentStream
	rtp          rtp.Packet
	now          int64
	count        int
	decodeErrors int
	warnings     []string
	err          error
}

func newTimeline(pl *plan, log *slog.Logger, sink mix.Sink, mono bool, maxFrames int64) *timeline {
	tl := &timeline{pl: pl, log: log, rate: pl.rate, streams: map[streamKey]*segment{}, maxFrames: maxFrames}
	if sink != nil {
		tl.writing = true
		tl.mixer = mix.New(sink, mono, mixerFrames)
	}
	return tl
}

func (tl *timeline) warnf(format string, args ...any) {
	w := fmt.Sprintf(format, args...)
	tl.warnings = append(tl.warnings, w)
	tl.log.Warn(w)
}

// out converts a capture time to a recording sample position, rounded to
// the nearest sample.
func (tl *timeline) out(at int64) int64 {
	d := at - tl.pl.sample0
	r := int64(tl.rate)
	return d/1e9*r + roundDiv(d%1e9*r, 1e9)
}

func (tl *timeline) add(ch int, pos int64, pcm []int16) {
	if room := tl.maxFrames - pos; room < int64(len(pcm)) {
		tl.beyond += int64(len(pcm)) - max(room, 0)
		pcm = pcm[:max(room, 0)]
	}
	if tl.err == nil && len(pcm) > 0 {
		tl.err = tl.mixer.Add(ch, pos, pcm)
	}
}

// run reads the capture again and places every audio packet.
func (tl *timeline) run(ctx context.Context, src packetSource, progress func()) error {
	var p pcapio.Packet
	for {
		err := src.Next(&p)
		if err == io.EOF || (err != nil && isReadEnd(err)) {
			break
		}
		if err != nil {
			return err
		}
		tl.packet(&p)
		if tl.err != nil {
			return tl.err
		}
		tl.count++
		if tl.count&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			progress()
		}
	}
	for _, s := range tl.all {
		s.close()
	}
	if tl.writing {
		if tl.err != nil {
			return tl.err
		}
		if err := tl.mixer.Close(); err != nil {
			return err
		}
		if tl.beyond > 0 {
			tl.warnf("%d samples lie more than %v after the start of the recording and were left out (the longest recording written)",
				tl.beyond, time.Duration(tl.maxFrames/int64(tl.rate))*time.Second)
		}
		if n := tl.mixer.Dropped(); n > 0 {
			tl.warnf("%d samples arrived after their place in the recording was written and were dropped", n)
		}
	}
	if tl.decodeErrors > 0 {
		tl.warnf("%d payloads could not be decoded completely", tl.decodeErrors)
	}
	return nil
}

func (tl *timeline) packet(p *pcapio.Packet) {
	if p.Proto != pcapio.UDP {
		return
	}
	if rtpcodec.Parse(&tl.rtp, p.Payload) != nil {
		return
	}
	key := streamKey{rtpcodec.Flow{Src: p.Src, Dst: p.Dst}, tl.rtp.SSRC}
	s := tl.lookup(key)
	if s == nil && tl.pl.det.Verdict(key.flow) != rtpcodec.IsRTP {
		return
	}
	f := key.flow
	if s != nil {
		if s.class(tl.rtp.PayloadType).kind == kindOther {
			return
		}
	} else if tl.pl.class(f, tl.rtp.PayloadType).kind == kindOther {
		return
	}
	at := p.Time.UnixNano()
	tl.now = max(tl.now, at)
	if s != nil && s.discontinuous(&tl.rtp, at) {
		tl.closeSegment(s)
		s = nil
	}
	if s == nil {
		s = newSegment(tl, f, tl.rtp.SSRC, at)
		tl.streams[key] = s
		tl.recent = [len(tl.recent)]recentStream{}
		tl.all = append(tl.all, s)
		tl.active = append(tl.active, s)
	}
	s.arrive(&tl.rtp, at)
	s.release(tl.now)
	if tl.count&63 == 0 {
		for _, a := range tl.active {
			a.release(tl.now)
		}
		tl.flush()
	}
}

// recentStream caches a stream lookup: calls alternate between a few
// streams, and hashing two endpoints per packet shows in profiles.
type recentStream struct {
	key streamKey
	s   *segment
}

func (tl *timeline) lookup(key streamKey) *segment {
	for _, r := range tl.recent {
		if r.s != nil && r.key == key {
			return r.s
		}
	}
	s := tl.streams[key]
	if s != nil {
		copy(tl.recent[1:], tl.recent[:])
		tl.recent[0] = recentStream{key, s}
	}
	return s
}

func (tl *timeline) closeSegment(s *segment) {
	s.close()
	for i, a := range tl.active {
		if a == s {
			tl.active = append(tl.active[:i], tl.active[i+1:]...)
			break
		}
	}
}

// flush writes out the recording up to where no segment can write any more.
func (tl *timeline) flush() {
	if !tl.writing {
		return
	}
	// Never past the last frame written to: silence is written out only
	// before audio that follows it, so a packet left out beyond maxFrames
	// cannot stretch the recording.
	bound := min(tl.out(tl.now)-newStreamGuard*int64(tl.rate), tl.mixer.End())
	for _, s := range tl.active {
		switch {
		case tl.now-s.lastArr > idleAfter && s.jb.Len() == 0:
		case s.started:
			bound = min(bound, s.outPos)
		case s.anchored:
			bound = min(bound, s.anchorOut-newStreamGuard*int64(tl.rate))
		}
	}
	if bound > tl.mixer.Written() && tl.err == nil {
		tl.err = tl.mixer.Flush(bound)
	}
}
