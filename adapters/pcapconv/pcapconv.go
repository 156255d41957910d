package pcapconv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/f0fce437/callrec/recordings"
	"github.com/f0fce437/callrec/rtpcodec"
	"github.com/f0fce437/callrec/rtpcodec/convert"
)

// Options configure a Converter; the zero value converts with every
// built-in codec.
type Options struct {
	// Registry holds the codecs to decode with; nil means
	// rtpcodec.DefaultRegistry().
	Registry *rtpcodec.Registry
	// Logger receives the pipeline's warnings and details; nil discards
	// them (the service traces each conversion's outcome itself).
	Logger *slog.Logger
}

// Converter converts pcaps with rtpcodec/convert. It is safe for concurrent
// use: each call converts independently.
type Converter struct {
	opts convert.Options
}

var _ recordings.Converter = (*Converter)(nil)

// New returns a Converter.
func New(opts Options) *Converter {
	return &Converter{opts: convert.Options{Registry: opts.Registry, Logger: opts.Logger}}
}

// Convert writes the WAV of the capture src to dst. A capture cut short
// converts as far as it is readable (with the pipeline's warning); a body
// that is no capture, or holds no decodable audio, fails with the
// pipeline's error, which becomes the recording's failure reason.
func (c *Converter) Convert(ctx context.Context, src io.ReadSeeker, dst io.WriteSeeker) (recordings.Media, error) {
	info, err := convert.Convert(ctx, src, dst, c.opts)
	if err != nil {
		return recordings.Media{}, err
	}
	return media(info)
}

// media describes a converted recording from the pipeline's Info.
func media(info *convert.Info) (recordings.Media, error) {
	if info == nil {
		return recordings.Media{}, errors.New("pcapconv: conversion returned no information")
	}
	// The stream objects only: the warnings have a field of their own.
	streams, err := json.Marshal(info.Streams)
	if err != nil {
		return recordings.Media{}, fmt.Errorf("pcapconv: %w", err)
	}
	m := recordings.Media{
		Codecs:       append([]string(nil), info.Codecs...),
		Duration:     info.Duration,
		Streams:      streams,
		Warnings:     append([]string(nil), info.Warnings...),
		CaptureStart: info.Start,
	}
	for _, dir := range []string{convert.Local, convert.Remote} {
		st, found := directionStats(info.Streams, dir)
		if found {
			m.Stats = append(m.Stats, st)
		}
	}
	return m, nil
}

// directionStats sums the segments of one direction; jitter is the worst
// segment's, the codec the first decodable segment's.
func directionStats(streams []convert.Stream, dir string) (recordings.StreamStats, bool) {
	st := recordings.StreamStats{Direction: dir}
	found := false
	for _, s := range streams {
		if s.Direction != dir {
			continue
		}
		found = true
		if st.Codec == "" && s.Codec != "" {
			st.Codec = s.Codec
		}
		st.Packets += int64(s.Packets)
		st.Lost += int64(s.Lost)
		st.Duplicates += int64(s.Duplicates)
		st.Late += int64(s.Late)
		st.JitterMS = max(st.JitterMS, s.JitterMs)
	}
	return st, found
}
