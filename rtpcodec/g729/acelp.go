package g729

// Fixed (algebraic) codebook (G.729 §3.8, §4.1.4): four signed unit pulses
// on interleaved tracks of the 40-sample subframe.

// fixedVector builds the codevector (Q13) from the 13-bit position index and
// the 4 sign bits.
func fixedVector(sign, index int16, code *[40]int16) {
	var pos [4]int
	i := int(index & 7)
	pos[0] = i * 5
	index >>= 3
	i = int(index & 7)
	pos[1] = i*5 + 1
	index >>= 3
	i = int(index & 7)
	pos[2] = i*5 + 2
	index >>= 3
	j := int(index & 1)
	index >>= 1
	i = int(index & 7)
	pos[3] = i*5 + 3 + j
	*code = [40]int16{}
	for k := range 4 {
		// 8191 for a set sign bit, else -8192 (random bits: no branch)
		code[pos[k]] = -8192 + 16383*(sign&1)
		sign >>= 1
	}
}
