package g722

// Test-only hooks for the conformance tests of Rec. G.722 Appendix II,
// which drive the sub-band coders without the QMF (configurations 1 and 2).

// SubbandEncoder is the pair of sub-band ADPCM encoders without the QMF.
type SubbandEncoder struct{ lo, hi band }

// NewSubbandEncoder returns a SubbandEncoder in its reset state.
func NewSubbandEncoder() *SubbandEncoder {
	e := &SubbandEncoder{}
	e.Reset()
	return e
}

// Reset sets the reset state.
func (e *SubbandEncoder) Reset() {
	e.lo.reset(detLowerReset)
	e.hi.reset(detHigherReset)
}

// Encode encodes one lower and one higher sub-band sample (15 bits each).
func (e *SubbandEncoder) Encode(xl, xh int16) (il, ih uint8) {
	return uint8(e.lo.encodeLower(int32(xl))), uint8(e.hi.encodeHigher(int32(xh)))
}

// SubbandDecoder is the pair of sub-band ADPCM decoders without the QMF.
type SubbandDecoder struct {
	lo, hi band
	dq     [64]int32
}

// NewSubbandDecoder returns a SubbandDecoder for mode in its reset state.
func NewSubbandDecoder(mode Mode) *SubbandDecoder {
	d := NewDecoder(mode)
	return &SubbandDecoder{lo: d.lo, hi: d.hi, dq: d.dq}
}

// Reset sets the reset state.
func (d *SubbandDecoder) Reset() {
	d.lo.reset(detLowerReset)
	d.hi.reset(detHigherReset)
}

// Decode decodes one 6-bit lower and one 2-bit higher code word into the
// sub-band outputs RL and RH (15 bits each).
func (d *SubbandDecoder) Decode(il, ih uint8) (rl, rh int16) {
	l, dlt := d.lo.decodeLower(int32(il), &d.dq)
	d.lo.adapt(dlt, lowerScaling(int32(il)>>2))
	h, dh := d.hi.decodeHigher(int32(ih))
	d.hi.adapt(dh, higherScaling(int32(ih)))
	return int16(l), int16(h)
}
