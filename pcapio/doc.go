// Package pcapio reads packet captures (classic pcap and pcapng) as a stream
// of UDP datagrams and TCP segment payloads with their capture times, and
// writes classic pcap and pcapng files of generated packets for test
// fixtures.
//
// # Reading
//
// NewReader detects the format: classic pcap in either byte order with
// microsecond or nanosecond timestamps, or pcapng with any number of sections
// (each in its own byte order) and interfaces (each with its own link type and
// if_tsresol timestamp unit), packets in Enhanced, Simple or obsolete Packet
// Blocks. Reader.Next then returns one packet at a time:
//
//	r, err := pcapio.NewReader(f)
//	...
//	var p pcapio.Packet
//	for {
//		err := r.Next(&p)
//		if err != nil { ... }         // io.EOF at the clean end
//		use(p.Time, p.Src, p.Dst, p.Payload) // Payload is valid until the next Next
//	}
//
// Link types: Ethernet with any number of 802.1Q and 802.1ad (QinQ) tags,
// Linux cooked capture v1 (113) and v2 (276), BSD loopback (NULL 0, LOOP 108),
// raw IP (101, 228, 229, and 12 and 14 when the packet starts with an IP
// version nibble). Network layers: IPv4, and IPv6 with its extension headers
// (hop-by-hop, routing, destination options, authentication, fragment).
// Fragmented IPv4 and IPv6 datagrams are reassembled: SIP INVITEs with a
// large SDP often are fragmented. TCP segments are returned one by one, not
// reassembled, for callers that only look for SIP in them.
//
// The reader never guesses an application protocol from a port number: RTP
// sent to port 5060 or 4789 is returned as the UDP datagram it is.
//
// Records the reader cannot use (ARP, ICMP, non-IP frames, headers that do
// not parse, unsupported link types, packets cut short by the snap length)
// are skipped and counted in Stats; they never stop reading. Checksums are
// not verified, because captures taken on the sending host carry unfinished,
// offloaded ones.
//
// Errors name what is wrong and wrap a sentinel to branch on: ErrEmpty,
// ErrNotCapture, ErrTruncated (the file was cut off: every complete packet
// before the cut was returned first, so callers can keep them and warn) and
// ErrCorrupt.
//
// # Limits
//
// The reader streams: memory does not grow with the file. Hostile headers
// cannot make it allocate: a record is at most MaxSnaplen (256 KiB)
// whatever the file's snap length says, a pcapng block is checked whole
// before it is parsed, and reassembly holds at most MaxPendingDatagrams
// datagrams for at most FragmentTimeout of capture time. Once warm, Next
// does not allocate.
//
// Packets of a pcapng Simple Packet Block have no timestamp; they get the
// time of the record before them, so that capture time never goes backwards.
// A reassembled datagram gets the time of the fragment that completed it.
//
// # Writing
//
// Writer (classic pcap) and NgWriter (pcapng) write generated UDP and TCP
// packets with correct IP, UDP and TCP checksums, on any link type the reader
// decodes, optionally VLAN-tagged and fragmented to an MTU. They exist to
// build test fixtures and benchmarks, not to rewrite real captures.
//
// # Dependencies and concurrency
//
// Parsing builds on github.com/gopacket/gopacket: pcapgo reads the file
// formats and a DecodingLayerParser decodes the headers in place; the Linux
// cooked v2 header, IPv6 extension headers and reassembly are this package's
// own. Readers and writers are not safe for concurrent use; separate values
// are independent.
package pcapio
