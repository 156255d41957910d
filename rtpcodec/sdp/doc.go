// Package sdp parses the parts of an SDP body (RFC 4566, RFC 8866) that say
// where a party receives media and which payload types mean which codecs:
// the connection address (c=), the media descriptions (m=), and their
// rtpmap and fmtp attributes. Everything else is skipped, and unknown or
// malformed lines are ignored rather than rejected, because captures carry
// whatever the phones sent.
//
//	v=0
//	o=- 1 1 IN IP4 192.0.2.10
//	c=IN IP4 192.0.2.10            ← session-level address (media inherit it)
//	m=audio 16386 RTP/AVP 8 0 101  ← media port and payload types
//	a=rtpmap:101 telephone-event/8000
//	a=fmtp:101 0-15
//
// Parsing does not retain the input; it is safe for concurrent use.
package sdp
