// Package jitter is the reorder buffer of the conversion pipeline: it takes
// the RTP packets of one stream in arrival order and gives them back in
// sequence order, one at a time, with the holes between them reported as
// losses, duplicates dropped and counted, and packets that come after their
// place was given out counted as late and dropped.
//
// The buffer is a ring of slots indexed by the extended sequence number
// modulo its capacity, so Push and Pop are O(1) (pion/interceptor's jitter
// buffer has the same Push/Pop/Stats shape but keeps a sorted list).
// Sequence numbers are compared with the wrap-aware serial arithmetic of
// RFC 1982 and extended to 64 bits, so wrap-around at 65535 is invisible to
// callers.
//
// The buffer does not read a clock: the caller says, at each Pop, which
// arrival times are old enough to be given out (a fixed playout delay in
// capture time), which keeps it deterministic and usable from offline
// conversion. It is not safe for concurrent use and never calls user code.
package jitter
