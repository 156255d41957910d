package pcapio

import "strconv"

// LinkType is a link-layer header type as numbered in pcap and pcapng files
// (tcpdump.org's LINKTYPE_ values).
type LinkType uint16

// Link types the Reader decodes and the writers produce. The Reader also
// takes 12 and 14 as raw IP when the packet starts with an IPv4 or IPv6
// version nibble (DLT_RAW's number on some BSDs leaked into files).
const (
	LinkNull      LinkType = 0   // BSD loopback: 4-byte address family in the capturing host's byte order
	LinkEthernet  LinkType = 1   // Ethernet II, with any number of 802.1Q / 802.1ad tags
	LinkRaw       LinkType = 101 // raw IPv4 or IPv6, told apart by the version nibble
	LinkLoop      LinkType = 108 // OpenBSD loopback: like LinkNull but the family is big-endian
	LinkLinuxSLL  LinkType = 113 // Linux cooked capture v1 (16-byte header)
	LinkIPv4      LinkType = 228 // raw IPv4
	LinkIPv6      LinkType = 229 // raw IPv6
	LinkLinuxSLL2 LinkType = 276 // Linux cooked capture v2 (20-byte header)
)

// String returns the link type's name, or its number when it has none here.
func (l LinkType) String() string {
	switch l {
	case LinkNull:
		return "NULL"
	case LinkEthernet:
		return "Ethernet"
	case LinkRaw:
		return "raw IP"
	case LinkLoop:
		return "LOOP"
	case LinkLinuxSLL:
		return "Linux cooked v1"
	case LinkIPv4:
		return "raw IPv4"
	case LinkIPv6:
		return "raw IPv6"
	case LinkLinuxSLL2:
		return "Linux cooked v2"
	}
	return "link type " + strconv.Itoa(int(l))
}
