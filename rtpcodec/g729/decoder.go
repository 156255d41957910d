package g729

import (
	"errors"
	"fmt"
	"slices"
)

// Stream constants.
const (
	// SampleRate is the rate of the decoded PCM, in Hz.
	SampleRate = 8000
	// FrameSamples is the number of samples of one 10 ms frame.
	FrameSamples = 80
	// SpeechFrameSize is the size in bytes of one speech frame.
	SpeechFrameSize = 10
	// SIDFrameSize is the size in bytes of one Annex B SID frame (15 bits
	// used).
	SIDFrameSize = 2
)

const (
	subLen   = 40
	excHist  = pitMax + 11 // past excitation the adaptive codebook reads
	sharpMax = 13017       // pitch sharpening bounds, Q14
	sharpMin = 3277
)

// Variant selects the decoder of the G.729 family.
type Variant uint8

const (
	// MainBody is the full-complexity decoder of G.729 (with Annex B comfort
	// noise), the default.
	MainBody Variant = iota
	// AnnexA is the reduced-complexity decoder of G.729 Annex A (with Annex
	// B comfort noise): a simpler post-filter, and erased frames excited
	// without the voicing decision. It decodes the same bit stream; most
	// phones encode with Annex A, and its output is what they expect.
	AnnexA
)

// String returns "main" or "annexa", the names ParseVariant accepts.
func (v Variant) String() string {
	switch v {
	case MainBody:
		return "main"
	case AnnexA:
		return "annexa"
	}
	return fmt.Sprintf("Variant(%d)", uint8(v))
}

// ParseVariant returns the variant named s ("main" or "annexa", as String
// returns them).
func ParseVariant(s string) (Variant, error) {
	switch s {
	case "main":
		return MainBody, nil
	case "annexa":
		return AnnexA, nil
	}
	return 0, fmt.Errorf("g729: unknown variant %q (want main or annexa)", s)
}

// MarshalText returns the variant's name; with UnmarshalText it makes a
// Variant usable with flag.TextVar and in text encodings.
func (v Variant) MarshalText() ([]byte, error) {
	if v != MainBody && v != AnnexA {
		return nil, fmt.Errorf("g729: unknown variant %d", uint8(v))
	}
	return []byte(v.String()), nil
}

// UnmarshalText sets v to the variant named text, as ParseVariant does.
func (v *Variant) UnmarshalText(text []byte) error {
	p, err := ParseVariant(string(text))
	if err != nil {
		return err
	}
	*v = p
	return nil
}

// Config configures a Decoder. The zero value is the main-body decoder.
type Config struct {
	Variant Variant
}

// ErrPayloadSize reports an RTP payload whose length is not N·10 bytes
// optionally followed by a 2-byte SID frame.
var ErrPayloadSize = errors.New("g729: payload is not a sequence of 10-byte frames with an optional 2-byte SID")

// FrameType says what a frame carries.
type FrameType uint8

const (
	// FrameSpeech is an active frame of 80 bits.
	FrameSpeech FrameType = iota
	// FrameSID is an Annex B silence-insertion descriptor (15 bits) that
	// updates the comfort noise.
	FrameSID
	// FrameUntransmitted is a frame the encoder chose not to send (DTX):
	// comfort noise continues.
	FrameUntransmitted
	// FrameErased is a frame that was sent but lost or damaged; the decoder
	// conceals it.
	FrameErased
)

func (t FrameType) String() string {
	switch t {
	case FrameSpeech:
		return "speech"
	case FrameSID:
		return "SID"
	case FrameUntransmitted:
		return "untransmitted"
	case FrameErased:
		return "erased"
	}
	return fmt.Sprintf("FrameType(%d)", uint8(t))
}

// Frame is one 10 ms frame. Bits holds the frame's bits packed most
// significant first: all 10 bytes for speech, the first 2 (15 bits) for a
// SID frame, none otherwise.
type Frame struct {
	Type FrameType
	Bits [SpeechFrameSize]byte
}

// frame types as the reference numbers them ("ftyp")
const (
	ftypNone   = 0
	ftypSpeech = 1
	ftypSID    = 2
)

// Decoder decodes one G.729 stream. Create it with NewDecoder; it is not
// safe for concurrent use.
type Decoder struct {
	variant Variant

	// Signals are 16-bit values held in int64 (see synth.go).
	exc      [excHist + FrameSamples]int64 // past and current excitation
	synth    [10 + FrameSamples]int64      // synthesis; its 10 past samples are the filter memory
	lspOld   [10]int16                     // LSPs of the previous frame, Q15
	sharp    int16                         // pitch sharpening, Q14
	oldT0    int16                         // last integer pitch lag
	gainPit  int16                         // last pitch gain, Q14
	gainCode int16                         // last code gain, Q1
	voicing  int16                         // voicing of the previous frame (post-filter delay)
	seedFER  int16                         // random generator of the bad-frame path
	lsf      lsfDecoder
	gain     gainDecoder
	pf       postFilter  // main body
	pfA      postFilterA // Annex A
	hp       highPass

	// Annex B
	pastFtyp int16 // type of the previous frame
	seedCNG  int16 // comfort-noise excitation generator
	sidSav   int16 // energy of the last good frame (for a lost first SID)
	shSidSav int16 // its scale
	// sidSavDue says that sidSav and shSidSav are still to be taken from
	// the last frame's excitation, exc[excHist-FrameSamples:excHist]: only
	// a frame that does not renew them can need them, so speech spares it.
	sidSavDue bool
	curGain   int16     // smoothed comfort-noise gain
	sidGain   int16     // gain of the last SID
	lspSID    [10]int16 // comfort-noise LSPs, Q15
}

// NewDecoder returns a decoder in its initial state.
func NewDecoder(cfg Config) (*Decoder, error) {
	if cfg.Variant != MainBody && cfg.Variant != AnnexA {
		return nil, fmt.Errorf("g729: unsupported variant %v", cfg.Variant)
	}
	d := &Decoder{variant: cfg.Variant}
	d.Reset()
	return d, nil
}

// Reset returns the decoder to its initial state.
func (d *Decoder) Reset() {
	*d = Decoder{
		variant:  d.variant,
		lspOld:   lspInit,
		sharp:    sharpMin,
		oldT0:    60,
		voicing:  60,
		seedFER:  21845,
		pastFtyp: ftypSpeech,
		seedCNG:  cngSeedInit,
		shSidSav: 1,
		sidGain:  sidGainTable[0],
		lspSID:   sidLSPInit,
	}
	d.lsf.reset()
	d.gain.reset()
	d.pf.reset()
	d.pfA.reset()
}

// DecodeFrame decodes one frame and appends its 80 samples to dst.
func (d *Decoder) DecodeFrame(dst []int16, f *Frame) []int16 {
	dst, out := extend(dst)
	d.decodeFrame(f.Type, &f.Bits, out)
	return dst
}

// extend returns dst extended by a frame, and that frame's samples, for
// the decoder to write in place. (Appending a frame decoded into an array
// would copy it in wide moves right after its 16-bit stores, which the
// processor cannot forward to them.)
func extend(dst []int16) ([]int16, *[FrameSamples]int16) {
	dst = slices.Grow(dst, FrameSamples)
	n := len(dst)
	dst = dst[:n+FrameSamples]
	return dst, (*[FrameSamples]int16)(dst[n:])
}

// Decode decodes one RTP payload (RFC 3551 §4.5.6) and appends 80 samples
// per frame to dst: a payload holds N 10-byte speech frames, optionally
// followed by one 2-byte SID frame. A payload of another length is decoded
// as far as its whole speech frames go and ErrPayloadSize is returned. The
// payload is not retained.
func (d *Decoder) Decode(dst []int16, payload []byte) ([]int16, error) {
	var out *[FrameSamples]int16
	var bits [SpeechFrameSize]byte
	for len(payload) >= SpeechFrameSize {
		copy(bits[:], payload)
		payload = payload[SpeechFrameSize:]
		dst, out = extend(dst)
		d.decodeFrame(FrameSpeech, &bits, out)
	}
	switch len(payload) {
	case 0:
		return dst, nil
	case SIDFrameSize:
		bits = [SpeechFrameSize]byte{payload[0], payload[1]}
		dst, out = extend(dst)
		d.decodeFrame(FrameSID, &bits, out)
		return dst, nil
	}
	return dst, fmt.Errorf("%w (%d bytes left over)", ErrPayloadSize, len(payload))
}

// Conceal appends n samples for lost audio, running ceil(n/80) frames
// through the bad-frame path (the last one trimmed to fit).
func (d *Decoder) Conceal(dst []int16, n int) []int16 {
	return d.fill(dst, n, FrameErased)
}

// Untransmitted appends n samples of Annex B comfort noise for frames the
// sender did not transmit, running ceil(n/80) untransmitted frames (the
// last one trimmed to fit).
func (d *Decoder) Untransmitted(dst []int16, n int) []int16 {
	return d.fill(dst, n, FrameUntransmitted)
}

func (d *Decoder) fill(dst []int16, n int, t FrameType) []int16 {
	var none [SpeechFrameSize]byte
	for ; n >= FrameSamples; n -= FrameSamples {
		var out *[FrameSamples]int16
		dst, out = extend(dst)
		d.decodeFrame(t, &none, out)
	}
	if n > 0 {
		var out [FrameSamples]int16
		d.decodeFrame(t, &none, &out)
		dst = append(dst, out[:n]...)
	}
	return dst
}

// decodeFrame runs one frame through the decoder and the post-processing.
func (d *Decoder) decodeFrame(t FrameType, bits *[SpeechFrameSize]byte, out *[FrameSamples]int16) {
	if d.sidSavDue && t != FrameSpeech {
		d.saveSIDEnergy()
	}
	var sp speechParams
	var sid sidParams
	var ftyp int16
	bfi := false
	switch t {
	case FrameSpeech:
		ftyp = ftypSpeech
		unpackSpeech(bits, &sp)
	case FrameSID:
		ftyp = ftypSID
		unpackSID(bits[:SIDFrameSize], &sid)
	case FrameUntransmitted:
		ftyp = ftypNone
	default:
		bfi = true
	}
	parityErr := ftyp == ftypSpeech && parityError(sp.pitch[0], sp.parity)
	if bfi {
		// A lost frame continues what the previous frame was: speech is
		// concealed, comfort noise goes on.
		if d.pastFtyp == ftypSpeech {
			ftyp = ftypSpeech
			parityErr = true
		} else {
			ftyp = ftypNone
		}
	}

	var az [2][11]int16
	var t0 [2]int16 // integer pitch lag of each subframe
	if ftyp != ftypSpeech {
		d.comfortNoise(ftyp == ftypSID, &sid, &az)
		d.synthesizeFrame(&az)
		t0 = [2]int16{d.oldT0, d.oldT0}
		d.sharp = sharpMin
	} else {
		t0 = d.decodeSpeech(&sp, bfi, parityErr, &az)
	}

	// The energy of a good frame's excitation is kept in case the next SID
	// is lost (sidSavDue).
	d.sidSavDue = !bfi
	copy(d.exc[:excHist], d.exc[FrameSamples:])
	d.pastFtyp = ftyp

	var pst [FrameSamples]int64
	d.postFilter(&t0, &az, &pst, ftyp == ftypSpeech)
	copy(d.synth[:10], d.synth[FrameSamples:])
	d.hp.filter(&pst, out)
}

// saveSIDEnergy sets sidSav and shSidSav from the energy of the last
// frame's excitation, before anything changes it.
func (d *Decoder) saveSIDEnergy() {
	last := d.exc[excHist-FrameSamples : excHist]
	acc := energy40(energy40(0, (*[subLen]int64)(last)), (*[subLen]int64)(last[subLen:]))
	sh := normL(acc)
	d.sidSav = round16(lShl(acc, sh))
	d.shSidSav = sub(16, sh)
	d.sidSavDue = false
}

// postFilter runs the variant's post-filter over the frame's synthesis.
func (d *Decoder) postFilter(t0 *[2]int16, az *[2][11]int16, out *[FrameSamples]int64, harmonic bool) {
	for s := range 2 {
		syn := (*[10 + subLen]int64)(d.synth[s*subLen:])
		o := (*[subLen]int64)(out[s*subLen:])
		if d.variant == AnnexA {
			d.pfA.filter(t0[s], syn, &az[s], o, harmonic)
			continue
		}
		// The main body searches around the first subframe's lag in both
		// subframes; the voicing it finds drives the concealment of the
		// next frame.
		if s == 0 {
			d.voicing = 0
		}
		if vo := d.pf.filter(t0[0], syn, &az[s], o, harmonic); vo != 0 {
			d.voicing = vo
		}
	}
}

// decodeSpeech decodes an active (or concealed) frame into d.synth and
// returns the integer pitch lags of its subframes.
func (d *Decoder) decodeSpeech(p *speechParams, bfi, parityErr bool, az *[2][11]int16) (lags [2]int16) {
	d.seedCNG = cngSeedInit
	var lspNew [10]int16
	d.lsf.decode(p.lsp0, p.lsp1, bfi, &lspNew)
	interpolateLPC(&d.lspOld, &lspNew, az)
	d.lspOld = lspNew

	var t0, frac int16
	for s := range 2 {
		bad := bfi || (s == 0 && parityErr)
		if !bad {
			if s == 0 {
				t0, frac = decodeLag1(p.pitch[0])
			} else {
				t0, frac = decodeLag2(p.pitch[1], t0)
			}
			d.oldT0 = t0
		} else {
			t0, frac = d.oldT0, 0
			d.oldT0 = min(add(d.oldT0, 1), pitMax)
		}
		lags[s] = t0
		pos := excHist + s*subLen
		adaptiveVector(d.exc[:], pos, t0, frac)

		code, sign := p.code[s], p.sign[s]
		if bfi {
			code = random(&d.seedFER) & 0x1fff
			sign = random(&d.seedFER) & 0xf
		}
		var cb [subLen]int16
		fixedVector(sign, code, &cb)
		// Pitch sharpening of the codevector for lags shorter than a subframe.
		if t0 < subLen {
			j := shl(d.sharp, 1)
			for i := int(t0); i < subLen; i++ {
				cb[i] = add(cb[i], mult(cb[i-int(t0)], j))
			}
		}

		if bfi {
			d.gainPit, d.gainCode = d.gain.conceal(d.gainPit, d.gainCode)
		} else {
			d.gainPit, d.gainCode = d.gain.decode(p.gain[s], &cb)
		}
		d.sharp = min(max(d.gainPit, sharpMin), sharpMax)

		gp, gc := d.gainPit, d.gainCode
		if bfi && d.variant == MainBody {
			// The main body's concealment excites with the pitch part only
			// for voiced speech and with the fixed codebook only for
			// unvoiced; Annex A has no voicing decision and uses both.
			if d.voicing == 0 {
				gp = 0
			} else {
				gc = 0
			}
		}
		exc := (*[subLen]int64)(d.exc[pos:])
		gpl, gcl := int64(gp), int64(gc)
		for i := range subLen {
			exc[i] = excitation(exc[i], int64(cb[i]), gpl, gcl)
		}
		d.synthesizeSubframe(&az[s], s)
	}
	return lags
}

// excitation returns round(L_shl(L_mac(L_mult(v, gp), c, gc), 1)), the
// excitation sample from the adaptive-codebook sample v and the fixed one
// c with their gains gp, gc >= 0: neither L_mult saturates, and the
// saturations of L_mac, L_shl and round together are that of (v·gp + c·gc
// + 2^13) >> 14 to 16 bits, which it seldom needs.
func excitation(v, c, gp, gc int64) int64 {
	return clamp16((v*gp + c*gc + 0x2000) >> 14)
}

func (d *Decoder) synthesizeFrame(az *[2][11]int16) {
	d.synthesizeSubframe(&az[0], 0)
	d.synthesizeSubframe(&az[1], 1)
}

// synthesizeSubframe runs subframe s of the excitation through 1/A(z). On
// saturation the whole excitation buffer is scaled down by 4 and the
// subframe synthesised again, as the Recommendation specifies.
func (d *Decoder) synthesizeSubframe(a *[11]int16, s int) {
	x := (*[subLen]int64)(d.exc[excHist+s*subLen:])
	y := (*[10 + subLen]int64)(d.synth[s*subLen:])
	if synthesize(a, x, y, subLen) {
		for i := range d.exc {
			d.exc[i] >>= 2
		}
		synthesize(a, x, y, subLen)
	}
}

// comfortNoise decodes a SID frame (sid set) or continues comfort noise for
// an untransmitted frame: gain, LP filters and excitation (Annex B §4.4).
func (d *Decoder) comfortNoise(sid bool, p *sidParams, az *[2][11]int16) {
	firstAfterSpeech := d.pastFtyp == ftypSpeech
	if sid {
		d.sidGain = sidGainTable[p.gain]
		d.lsf.decodeSID(p, &d.lspSID)
	} else if firstAfterSpeech {
		// The first SID was lost: estimate its gain from the last frame.
		d.sidGain = sidGainTable[quantizeErasedSIDGain(d.sidSav, d.shSidSav)]
	}
	if firstAfterSpeech {
		d.curGain = d.sidGain
	} else {
		d.curGain = add(multR(d.curGain, cngGainOld), multR(d.sidGain, cngGainSID))
	}
	cngExcitation(d.curGain, d.exc[:], excHist, &d.seedCNG)
	interpolateLPC(&d.lspOld, &d.lspSID, az)
	d.lspOld = d.lspSID
}
