// Package resample doubles the sample rate of 16-bit PCM (8 kHz streams in a
// 16 kHz recording) with a linear-phase half-band interpolation filter: a
// windowed sinc (Kaiser window, β = 8) with 2×Taps non-zero coefficients in Q15 fixed
// point.
//
// The filter is half-band, so every even output sample is exactly the input
// sample it sits on and every odd one is interpolated between its
// neighbours: input sample n lands on output sample 2n, which keeps
// placement sample-exact. Images of telephone-band tones are attenuated by
// 69 dB (3.4 kHz tone, image at 4.6 kHz) to 96 dB (1 kHz, image at 7 kHz),
// and tones up to 3.4 kHz come out within 2 % RMS of the ideal 16 kHz
// signal (the tests measure both).
package resample
