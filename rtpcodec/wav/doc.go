// Package wav writes RIFF/WAVE files of 16-bit little-endian PCM as a
// stream: the header goes out first with placeholder sizes, samples follow
// through a fixed 64 KiB buffer, and Close patches the RIFF and data chunk
// sizes by seeking back. Memory stays bounded whatever the length.
//
// It is a thin writer of its own rather than github.com/go-audio/wav's
// encoder, which converts every sample through an []int buffer and
// encoding/binary with reflection, allocating once per sample: on stereo 8 kHz
// audio it was measured about 27 times slower than this writer (see
// docs/performance.md and BenchmarkGoAudioWav).
//
//	offset  field
//	0       "RIFF", RIFF size = 36 + data size (patched by Close)
//	8       "WAVE"
//	12      "fmt ", 16, format 1 (PCM), channels, rate, byte rate, block align, 16 bits
//	36      "data", data size (patched by Close)
//	44      samples, interleaved
//
// A Writer is not safe for concurrent use.
package wav
