// Package mix sums the streams of a call onto the two channels of a
// recording (0 = local side, 1 = remote side), or onto one channel for a
// mono mix, and streams the result out in order.
//
// Streams add their samples at absolute sample positions of the recording's
// timeline; the mixer keeps a window of the timeline in a ring of 32-bit
// accumulators, so that overlapping streams of one side (or both sides, in
// mono) sum without overflow, and saturates to 16 bits when the caller
// flushes a position that no stream will write before any more. Memory is
// the ring: capacity frames × 2 channels × 4 bytes, whatever the call's
// length.
//
// A Mixer is not safe for concurrent use.
package mix
