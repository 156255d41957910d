package convert

import (
	"github.com/f0fce437/callrec/rtpcodec"
	"github.com/f0fce437/callrec/rtpcodec/sip"
)

// kind is what the packets of a payload type are to the timeline.
type kind uint8

const (
	kindAudio kind = iota // audio, decodable or not
	kindEvent             // RFC 4733 telephone-event
	kindCN                // RFC 3389 comfort noise
	kindOther             // video and the like: ignored
)

// ptClass says what a payload type of one flow means.
type ptClass struct {
	kind  kind
	name  string // upper-case encoding name, "" when unknown
	clock int
	fmtp  string
	codec *rtpcodec.Codec // nil when not in the registry
}

// staticType is a payload type assignment of RFC 3551, Tables 4 and 5.
type staticType struct {
	name  string
	clock int
	video bool
}

var staticTypes = map[uint8]staticType{
	0: {"PCMU", 8000, false}, 3: {"GSM", 8000, false}, 4: {"G723", 8000, false},
	5: {"DVI4", 8000, false}, 6: {"DVI4", 16000, false}, 7: {"LPC", 8000, false},
	8: {"PCMA", 8000, false}, 9: {"G722", 8000, false}, 10: {"L16", 44100, false},
	11: {"L16", 44100, false}, 12: {"QCELP", 8000, false}, 13: {"CN", 8000, false},
	14: {"MPA", 90000, false}, 15: {"G728", 8000, false}, 16: {"DVI4", 11025, false},
	17: {"DVI4", 22050, false}, 18: {"G729", 8000, false},
	25: {"CELB", 90000, true}, 26: {"JPEG", 90000, true}, 28: {"NV", 90000, true},
	31: {"H261", 90000, true}, 32: {"MPV", 90000, true}, 33: {"MP2T", 90000, true},
	34: {"H263", 90000, true},
}

// defaultClock is assumed for payload types nothing describes.
const defaultClock = 8000

// classify says what payload type pt means on flow f: the SDP's rtpmap
// first, then the static assignments, then, for a dynamic type no SDP
// names, telephone-event when every payload of it looked like one.
func classify(sig *sip.Signalling, reg *rtpcodec.Registry, f rtpcodec.Flow, pt uint8, eventLike bool) ptClass {
	c := ptClass{clock: defaultClock}
	if fm, ok := sig.Format(f.Src, f.Dst, pt); ok && fm.Name != "" {
		c.name, c.fmtp = fm.Name, fm.Fmtp
		if fm.ClockRate > 0 {
			c.clock = fm.ClockRate
		}
	} else if st, ok := staticTypes[pt]; ok {
		c.name, c.clock = st.name, st.clock
		if st.video {
			c.kind = kindOther
			return c
		}
		if ok && fm.Fmtp != "" {
			c.fmtp = fm.Fmtp
		}
	} else if eventLike {
		c.name = "TELEPHONE-EVENT"
	}
	switch c.name {
	case "TELEPHONE-EVENT":
		c.kind = kindEvent
		return c
	case "CN":
		c.kind = kindCN
		return c
	}
	if c.name != "" {
		if codec, ok := reg.Lookup(c.name, c.clock); ok {
			c.codec = &codec
		}
	}
	return c
}

// looksLikeEvent reports whether an RTP payload could be an RFC 4733
// telephone-event payload: one to four 4-byte blocks, an event code of the
// DTMF range and the reserved bit clear.
func looksLikeEvent(p []byte) bool {
	return len(p) >= 4 && len(p) <= 16 && len(p)%4 == 0 && p[0] <= 16 && p[1]&0x40 == 0
}
