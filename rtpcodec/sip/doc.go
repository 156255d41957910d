// Package sip reads the SIP signalling found in a capture for what the
// conversion needs from it: which payload type means which codec (the SDP
// of INVITEs, their answers and re-INVITEs), and which media addresses
// belong to the caller (the party that sent the INVITE). Who sent an SDP is
// read from the From tag, which requests carry from their sender and
// responses copy from their request, so that a capture seeing the call at
// several hops (through a proxy, on a mirror port) is read right; messages
// without tags fall back to the transport addresses.
//
// Messages are parsed from single UDP datagrams (fragmented ones arrive
// reassembled; a datagram may omit Content-Length, and its body is then the
// rest of the datagram) and from TCP streams, where a message may span
// several segments and a segment hold the end of one message and the start
// of the next: Reassembler (used by Signalling.AddTCP) follows each
// direction of each TCP flow by sequence number and frames the messages by
// their Content-Length, within limits on flows and bytes that a hostile
// capture cannot exceed.
//
//	INVITE sip:bob@example.com SIP/2.0      ← start line: request ...
//	SIP/2.0 200 OK                          ← ... or status
//	Call-ID: a84b4c76e66710                 ← headers (compact forms i, l, c too)
//	Content-Type: application/sdp
//	Content-Length: 142
//	                                        ← empty line
//	v=0 ...                                 ← body (Content-Length bytes)
//
// Parse does not retain its input. A Signalling collects what a capture's
// messages say; it is not safe for concurrent use.
package sip
