package g729

import "strings"

// RTP facts of G.729 (RFC 3551 §4.5.6, RFC 4856 for the fmtp parameter).
const (
	// PayloadType is the static RTP payload type of G.729.
	PayloadType = 18
	// EncodingName is the SDP rtpmap encoding name ("G729/8000").
	EncodingName = "G729"
	// ClockRate is the RTP timestamp rate; one frame advances it by 80.
	ClockRate = 8000
)

// PayloadFrames splits the length of an RTP payload into its speech frames
// and an optional trailing SID frame; ok is false when n is not of the form
// 10·speech (+ 2).
func PayloadFrames(n int) (speech int, sid, ok bool) {
	if n < 0 {
		return 0, false, false
	}
	speech, rest := n/SpeechFrameSize, n%SpeechFrameSize
	switch rest {
	case 0:
		return speech, false, true
	case SIDFrameSize:
		return speech, true, true
	}
	return speech, false, false
}

// AnnexBOffered reports what an SDP fmtp line says about Annex B: false
// only for "annexb=no" (the default is yes, RFC 4856). It is informational:
// a Decoder decodes the SID frames that arrive either way, since senders do
// not always honour the parameter.
func AnnexBOffered(fmtp string) bool {
	for _, p := range strings.Split(fmtp, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(strings.TrimSpace(k), "annexb") {
			return !strings.EqualFold(strings.TrimSpace(v), "no")
		}
	}
	return true
}
