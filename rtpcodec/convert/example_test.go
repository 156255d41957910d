package convert_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/f0fce437/callrec/rtpcodec/callgen"
	"github.com/f0fce437/callrec/rtpcodec/convert"
)

// exampleCapture writes a generated innovaphone-style call to a file and
// returns its path.
func exampleCapture(dir string) string {
	ms := time.Millisecond
	r, err := callgen.Generate(callgen.Call{Signalling: callgen.Innovaphone, Streams: []callgen.Stream{
		{Local: true, SSRC: 1, Start: 20 * ms, Length: 2 * time.Second,
			Bursts: []callgen.Burst{{Start: 0, Length: time.Second, Freq: 440}},
			DTMF:   []callgen.Digit{{Key: '7', Start: 1500 * ms, Length: 200 * ms}}},
		{Local: false, SSRC: 2, Start: 40 * ms, Length: 2 * time.Second,
			Bursts: []callgen.Burst{{Start: time.Second, Length: time.Second, Freq: 880}}},
	}})
	if err != nil {
		panic(err)
	}
	var b bytes.Buffer
	if err := r.WritePcap(&b); err != nil {
		panic(err)
	}
	p := filepath.Join(dir, "call.pcap")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		panic(err)
	}
	return p
}

func ExampleConvert() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	src, _ := os.Open(exampleCapture(dir))
	defer src.Close()
	dst, _ := os.Create(filepath.Join(dir, "call.wav"))
	defer dst.Close()

	info, err := convert.Convert(context.Background(), src, dst, convert.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(info.SampleRate, "Hz,", info.Channels, "channels,", info.Duration)
	for _, s := range info.Streams {
		fmt.Printf("%s %s from %s: %d packets, DTMF %q\n", s.Direction, s.Codec, s.Src, s.Packets, s.DTMF)
	}
	// Output:
	// 8000 Hz, 2 channels, 2.02s
	// local PCMA from 192.0.2.10:16386: 90 packets, DTMF "7"
	// remote PCMA from 198.51.100.20:16388: 100 packets, DTMF ""
}

func ExampleInspect() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	src, _ := os.Open(exampleCapture(dir))
	defer src.Close()
	info, err := convert.Inspect(context.Background(), src, convert.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	e := info.Streams[0].DTMFEvents[0]
	fmt.Printf("key %s at %.0f ms for %.0f ms\n", e.Digit, e.StartMs, e.DurationMs)
	// Output: key 7 at 1500 ms for 200 ms
}

// writeHourPcap writes a one-hour two-way G.711 call as a pcap file.
func writeHourPcap(path string) error {
	stream := func(local bool, start time.Duration) callgen.Stream {
		return callgen.Stream{Local: local, SSRC: 1, Start: start, Length: time.Hour, Delay: 5 * time.Millisecond,
			Bursts: []callgen.Burst{{Start: 0, Length: time.Hour, Sound: callgen.Noise, Amp: 3000}}}
	}
	r, err := callgen.Generate(callgen.Call{Signalling: callgen.Innovaphone, Streams: []callgen.Stream{
		stream(true, 10*time.Millisecond), stream(false, 13*time.Millisecond)}})
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := r.WritePcap(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// BenchmarkConvertPcapHour converts a one-hour two-way G.711 call (360,000
// RTP packets, 79 MB) from a pcap file to a WAV file: the whole pipeline.
// Run with -cpu 1; the target is under 1 s per op.
func BenchmarkConvertPcapHour(b *testing.B) {
	dir := b.TempDir() // per run: -count > 1 runs the function again
	path, out := filepath.Join(dir, "hour.pcap"), filepath.Join(dir, "out.wav")
	if err := writeHourPcap(path); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		src, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		dst, err := os.Create(out)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := convert.Convert(context.Background(), src, dst, convert.Options{}); err != nil {
			b.Fatal(err)
		}
		src.Close()
		dst.Close()
	}
}
