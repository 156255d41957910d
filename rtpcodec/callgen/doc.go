// Package callgen synthesises calls for tests: it turns generated PCM (tone
// bursts, sweeps, noise, speech-like sounds; all deterministic) into the RTP
// packets of one or more streams with a chosen codec and packet time, applies
// network impairments (loss, reordering, duplicates, arrival jitter), sender
// behaviour (SSRC change, sequence and timestamp wrap-around, RFC 4733 DTMF,
// discontinuous transmission with RFC 3389 comfort noise, marker bits, clock
// drift), adds the signalling of an innovaphone-style capture (RTP from UDP
// ports 16386 and 16388 plus a dummy SIP INVITE / 200 OK), of a plain SIP
// call, or none, and returns the packets in capture order together with
// where the contract says each sound must land in the recording.
//
// The expected placement is computed here from the contract's rules (sample
// 0 = the earliest audio packet's capture time, each segment anchored by its
// first-arriving audio packet, frames placed by RTP timestamp distance), not
// from the converter, so that tests comparing the two can fail.
//
// Codecs plug in through Encoder: G.711 is built in (PCMA, PCMU); other
// codecs supply an Encoder and a Codec description.
package callgen
