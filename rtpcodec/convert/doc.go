// Package convert turns a call capture (pcap or pcapng) into a time-aligned
// WAV recording: Convert writes it, Inspect describes the streams (the
// -info JSON of examples/pcap2wav). It is the stable entry point the
// recordings service and the server call.
//
// # How it works
//
// The capture is read twice, streaming both times (never held in memory):
//
//  1. Pass 1 reads headers only: the SIP messages (over UDP, or over TCP
//     reassembled by sip.Reassembler, so that an SDP spanning segments is
//     read whole), which UDP flows are RTP (rtpcodec.Detector: version 2, a
//     payload type that is not RTCP, one SSRC with advancing sequence
//     numbers; ports play no part), and when each payload type of each
//     flow first appears. From that it fixes, for the whole file, what
//     every payload type means, which side each flow belongs to, the
//     recording's rate and its sample 0.
//  2. Pass 2 sends every RTP packet to its stream segment, which reorders
//     it (rtpcodec/jitter), decodes it, places it on the timeline and adds
//     it to the mix (rtpcodec/mix); the mix is written out (rtpcodec/wav) as
//     soon as no stream can still write before a position. Memory is a few
//     MiB whatever the call's length.
//
// # The contract
//
// Sides. A capture is innovaphone-style when it has RTP from UDP source
// port 16386 or 16388: RTP sent from 16386 is the local side (channel 0),
// from 16388 the remote side (channel 1), and SIP only says what payload
// types mean; other RTP in such a capture goes by the rules that follow.
// Otherwise the local side is the SIP caller, the sender of the first
// INVITE (told by the From tag, so that a capture seeing the call at
// several hops is read right): streams sent from a media address of the
// caller's SDP are local and streams sent to one are remote, matching the
// address and port, else the address alone, else (behind NAT, where the
// SDP shows an address the capture never sees) the address the INVITE came
// from. Without SIP, or for streams the SIP does not describe, the local
// side is the source address of the stream whose first audio packet
// arrived first. Streams of one side that overlap are summed, with
// saturation.
//
// Rate: 8000 Hz, or 16000 Hz when a stream's codec decodes at 16 kHz
// (G.722, whose RTP clock is nevertheless 8000); 8 kHz streams are then
// interpolated by rtpcodec/resample.
//
// Timeline. Audio packets are RTP packets in an audio codec, decodable or
// not (not telephone-event, not CN, not RTCP). Sample 0 is the capture time
// of the earliest audio packet. A stream segment (one 5-tuple and SSRC) is
// anchored by its first-arriving audio packet: that packet's timestamp sits
// at its capture time's offset from sample 0, rounded to the nearest
// sample; every other frame sits at its RTP timestamp distance from it
// (wrap-around handled; earlier timestamps before it). Gaps are filled so
// later audio keeps its place: after a sequence gap (loss) with the
// codec's concealment, after a CN packet with comfort noise, during other
// timestamp gaps (discontinuous transmission) with the codec's own comfort
// noise (rtpcodec.ComfortNoiser) or silence. The timeline ends at
// Options.MaxDuration (a day by default): audio placed later is left out
// with a warning, so that a capture holding a packet stamped weeks after
// the call cannot fill a disk with silence.
//
// Reordering: the reorder window is 10 packets or 200 ms, whichever is
// longer, in capture time. A packet arriving after its place was given out
// is late: counted, dropped, not lost. Duplicates are dropped and counted.
//
// Discontinuities: an SSRC change, a sequence jump of more than 1000, or a
// timestamp jump of more than 20 s that the capture times do not show
// starts a new segment, anchored anew.
//
// Drift: per segment, the transit offset (capture time − RTP position) is
// tracked as its minimum over a sliding 2 s window (jitter only delays
// packets). The reference is the minimum over the segment's first window
// (the anchor packet itself may have been delayed). Once the minimum has
// moved more than 20 ms from the reference, the segment is re-anchored at
// the next talkspurt start, DTX gap or loss, by inserting silence (slow
// sender) or dropping silence (fast sender; at most the gap's length); in
// continuous speech once it has moved more than 80 ms, dropping audio if it
// must. A phone whose clock is 100 ppm off thus stays within 20 ms of the
// other channel over a two-hour call (TestDriftTwoHours).
//
// Comfort noise: RFC 3389 CN packets (payload type 13, or "CN" in the SDP)
// fill the following silence with white noise at the signalled level; the
// spectral shape they may carry is ignored.
//
// DTMF: RFC 4733 telephone-event packets become DTMF events of their
// stream (Stream.DTMF, Stream.DTMFEvents), not audio. An event's start_ms
// is the position of its RTP timestamp on the segment's anchor mapping
// (without drift correction), its duration the final duration field.
//
// Payload types: the rtpmap of the SDP that announced the stream's
// destination (the receiver defines what it receives), else of its
// source, else any SDP of the capture, else RFC 3551's static types. A
// dynamic type no SDP names is telephone-event when every payload of it
// looked like one, and otherwise an unknown audio codec.
//
// Info statistics: packets counts audio packets received (duplicates
// excluded, late ones included); lost counts sequence numbers never
// received, whatever their payload type; jitter_ms is the RFC 3550
// interarrival jitter of the audio packets at the end of the segment;
// start_ms is the position of its first frame; duration_ms the RTP span
// from the first frame's start to the last frame's end.
//
// # Assumptions about innovaphone captures
//
// No real innovaphone capture is in the shared corpus; these rules come from
// innovaphone's description of its recording (one PCAP per call, RTP of
// both directions unencrypted, local side on UDP 16386, remote on 16388, a
// dummy SIP INVITE / 200 OK so that Wireshark decodes the RTP) and are
// tested on captures that rtpcodec/callgen generates. We assume the ports
// are the RTP source ports of the two directions (whatever the
// destination), that the dummy SDP's rtpmap lines are right about payload
// types (so dynamic types such as telephone-event are named there), and
// that the capture timestamps are those of one clock, the recorder's.
//
// Functions of this package may be called concurrently; a conversion is
// single-threaded.
package convert
