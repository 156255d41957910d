// Package pcapconv is the recordings.Converter on the rtpcodec/convert
// pipeline: it turns an uploaded pcap into the time-aligned stereo WAV
// (channel 0 the local side, channel 1 the remote side) and describes it
// for the recording (codecs, duration, per-direction reception statistics,
// the array of stream objects that pcap2wav -info prints under "streams"
// for the detail view, the warnings, and the capture time of the first
// packet).
package pcapconv
