package g729

// High-pass post-processing (G.729 §4.2.5): a second-order 100 Hz high-pass
// filter, with the output scaled by 2 to undo the encoder's input halving.

// highPass holds the filter memory; the output history is kept in double
// precision (hi, lo) as the reference does.
type highPass struct {
	y1Hi, y1Lo, y2Hi, y2Lo int16
	x0, x1                 int16
}

func (f *highPass) filter(sig []int16) {
	for i, x := range sig {
		x2 := f.x1
		f.x1 = f.x0
		f.x0 = x
		acc := mpy32x16(f.y1Hi, f.y1Lo, hp100A[1])
		acc = lAdd(acc, mpy32x16(f.y2Hi, f.y2Lo, hp100A[2]))
		acc = lMac(acc, f.x0, hp100B[0])
		acc = lMac(acc, f.x1, hp100B[1])
		acc = lMac(acc, x2, hp100B[2])
		acc = lShl(acc, 2)
		sig[i] = round16(lShl(acc, 1))
		f.y2Hi, f.y2Lo = f.y1Hi, f.y1Lo
		f.y1Hi, f.y1Lo = lExtract(acc)
	}
}
