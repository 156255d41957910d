package g722

// RTP facts for G.722 (RFC 3551 section 4.5.2), for whoever registers the
// codec: the RTP clock runs at 8000 Hz although the audio is sampled at
// 16 kHz, an erratum kept for compatibility, so one timestamp unit is two
// samples and one octet.
const (
	PayloadType  = 9      // static RTP payload type
	EncodingName = "G722" // SDP rtpmap encoding name: "G722/8000"
	ClockRate    = 8000   // RTP timestamp units per second
	SampleRate   = 16000  // audio samples per second produced by Decoder
	// SamplesPerOctet is the number of 16 kHz samples each payload octet
	// carries (and per RTP timestamp unit): 20 ms is 160 octets, 160
	// timestamp units and 320 samples.
	SamplesPerOctet = 2
)
