package g722

// The numeric tables of Rec. ITU-T G.722, transcribed from the fixed-point
// computational description of the SB-ADPCM blocks (clause 6 of the 1988
// Recommendation, whose table names are kept here). They are normative data.
//
// Where the Recommendation lists magnitudes and leaves the sign to the code
// (the inverse quantisers), the arrays below are laid out by code word, with
// the sign the code gives and the magnitude already multiplied by 8 (the
// "<< 3" that INVQAL, INVQBL and INVQAH apply before scaling), so that the
// hot loop does one load and one multiply.

// q6 holds the decision levels Q6 of the 6-bit lower sub-band quantiser
// (block 1L, QUANTL), indexed by the interval number mil (1..29); they are
// compared, scaled by DETL >> 12, with the magnitude of the difference
// signal. Index 0 is the lower edge of the first interval; interval 30 is
// open above.
var q6 = [32]int32{
	0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714,
	786, 858, 940, 1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919, 0, 0,
}

// iln and ilp are the tables ILN and ILP of QUANTL: the 6-bit code word IL
// for interval mil of a negative (iln) or non-negative (ilp) difference.
// Codes 0 to 3 are never emitted.
var (
	iln = [32]uint8{
		0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19,
		18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 0,
	}
	ilp = [32]uint8{
		0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47,
		46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 0,
	}
)

// qm6 is the 6-bit inverse quantiser of the lower sub-band (block 5L,
// INVQBL, mode 1): the output levels QQ6 (17, 54, 91, ... 3101) times 8, by
// code word IL, signed as the code says. The unused codes 0 to 3 decode like
// code 63.
var qm6 = [64]int32{
	-136, -136, -136, -136, -24808, -21904, -19008, -16704,
	-14984, -13512, -12280, -11192, -10232, -9360, -8576, -7856,
	-7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576,
	-3168, -2776, -2400, -2032, -1688, -1360, -1040, -728,
	24808, 21904, 19008, 16704, 14984, 13512, 12280, 11192,
	10232, 9360, 8576, 7856, 7192, 6576, 6000, 5456,
	4944, 4464, 4008, 3576, 3168, 2776, 2400, 2032,
	1688, 1360, 1040, 728, 432, 136, -432, -136,
}

// qm5 is the 5-bit inverse quantiser (INVQBL, mode 2: IL >> 1): the output
// levels QQ5 (35, 110, ... 2919) times 8, by 5-bit code, signed.
var qm5 = [32]int32{
	-280, -280, -23352, -17560, -14120, -11664, -9752, -8184,
	-6864, -5712, -4696, -3784, -2960, -2208, -1520, -880,
	23352, 17560, 14120, 11664, 9752, 8184, 6864, 5712,
	4696, 3784, 2960, 2208, 1520, 880, 280, -280,
}

// qm4 is the 4-bit inverse quantiser (INVQBL mode 3, and INVQAL, which the
// adaptation of both encoder and decoder uses in every mode: IL >> 2): the
// output levels QQ4 (150, 323, 530, 786, 1121, 1612, 2557) times 8, by 4-bit
// code, signed.
var qm4 = [16]int32{
	0, -20456, -12896, -8968, -6288, -4240, -2584, -1200,
	20456, 12896, 8968, 6288, 4240, 2584, 1200, 0,
}

// wl holds the log scale-factor multipliers WL of the lower sub-band
// (block 3L, LOGSCL), indexed through rl42, which maps the 4-bit code to the
// magnitude index of the Recommendation's table RIL -> IL4.
var (
	wl   = [8]int32{-60, -30, 58, 172, 334, 538, 1198, 3042}
	rl42 = [16]uint8{0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0}
)

// ilb is the table ILB of blocks SCALEL and SCALEH: 2048 * 2^(i/32) for the
// fractional part i of the log scale factor, used to go from the log domain
// (NBL, NBH) back to the linear scale factor (DETL, DETH).
var ilb = [32]int32{
	2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383,
	2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834,
	2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371,
	3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
}

// Higher sub-band: the single decision level Q2 of QUANTH (block 1H), the
// codes IHN and IHP for intervals 1 and 2, the inverse quantiser QQ2 (926,
// 202) times 8 by code word IH (block 2H, INVQAH), and the log scale-factor
// multipliers WH with the map RH2 from IH (block 3H, LOGSCH).
const q2 = 564

var (
	ihn = [3]uint8{0, 1, 0}
	ihp = [3]uint8{0, 3, 2}
	qm2 = [4]int32{-7408, -1616, 7408, 1616}
	wh  = [3]int32{0, -214, 798}
	rh2 = [4]uint8{2, 1, 2, 1}
)

// The 24 transmit and receive QMF coefficients h0..h23 of Rec. G.722 (its
// table of QMF coefficient values), times 2^13. The filter is symmetric,
// h(23-i) = h(i), so h0..h11 give them all. They are constants so that the
// filters multiply by immediates.
const (
	h0  = 3
	h1  = -11
	h2  = -11
	h3  = 53
	h4  = 12
	h5  = -156
	h6  = 32
	h7  = 362
	h8  = -210
	h9  = -805
	h10 = 951
	h11 = 3876
)

// qmfCoeffs is h0..h23 as an array, for the transmit QMF's loop.
var qmfCoeffs = [24]int32{
	h0, h1, h2, h3, h4, h5, h6, h7, h8, h9, h10, h11,
	h11, h10, h9, h8, h7, h6, h5, h4, h3, h2, h1, h0,
}
