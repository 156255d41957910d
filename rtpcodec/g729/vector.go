package g729

// Vector operations on 40-sample subframes of 16-bit values held in int64
// (see synth.go), unrolled by four: Go does not unroll loops itself.

// Two 32-bit lanes in one int64 let a single 64-bit multiply-add serve two
// dot products (a "pair"): with lo and hi packed as lo + hi·2^32, the sum
// Σ x[i]·pair(lo[i], hi[i]) equals Σ x·lo + (Σ x·hi)·2^32 exactly, and the
// two sums come back apart as long as each stays within 32 bits. A pair
// accumulator starts at pairBias, which lifts the low lane into [0, 2^32):
// the high lane is then the accumulator shifted down by 32, with no borrow
// to undo.

// pairBias is the initial value of a pair accumulator.
const pairBias = 1 << 31

// pair packs lo and hi into lo + hi·2^32.
func pair(lo, hi int32) int64 { return int64(hi)<<32 + int64(lo) }

// unpair recovers both sums from a pair accumulator that started at
// pairBias and whose lanes each hold a sum within 32 bits.
func unpair(acc int64) (lo, hi int32) {
	return int32(uint32(acc) ^ pairBias), int32(acc >> 32)
}

// dot40 returns Σ 2·a[i]·b[i] for signals small enough that the L_mac chain
// of the reference cannot saturate (every partial sum below 2^31).
func dot40(a, b *[subLen]int64) int32 {
	return int32(sum40(a, b) << 1)
}

// sum40 returns Σ a[i]·b[i] in 64-bit arithmetic.
func sum40(a, b *[subLen]int64) int64 {
	var s0, s1 int64
	for i := 0; i < subLen; i += 4 {
		s0 += a[i]*b[i] + a[i+1]*b[i+1]
		s1 += a[i+2]*b[i+2] + a[i+3]*b[i+3]
	}
	return s0 + s1
}

// energy40 returns acc + Σ 2·x[i]² with the saturation of an L_mac chain;
// the terms being non-negative, that is the sum clamped to 2^31-1.
func energy40(acc int32, x *[subLen]int64) int32 {
	var s0, s1 int64
	for i := 0; i < subLen; i += 4 {
		s0 += x[i]*x[i] + x[i+1]*x[i+1]
		s1 += x[i+2]*x[i+2] + x[i+3]*x[i+3]
	}
	return int32(min(int64(acc)+(s0+s1)<<1, maxInt32))
}

// copyFresh copies src to dst sample by sample. Samples just written are
// copied so: copy would move them in wider loads, which the processor
// cannot forward from the narrower stores still on their way to memory.
func copyFresh(dst, src []int64) {
	for i := range min(len(dst), len(src)) {
		dst[i] = src[i]
	}
}

// peak returns the largest magnitude in x. (Each four samples are reduced
// by a tree before they meet the running extremes, which keeps the chain of
// conditional moves that the loop carries short.)
func peak(x []int64) int64 {
	var hi, lo int64
	for ; len(x) >= 4; x = x[4:] {
		hi = max(hi, max(max(x[0], x[1]), max(x[2], x[3])))
		lo = min(lo, min(min(x[0], x[1]), min(x[2], x[3])))
	}
	for _, v := range x {
		hi = max(hi, v)
		lo = min(lo, v)
	}
	return max(hi, -lo)
}
