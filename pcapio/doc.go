// Package pcapio reads packet captures (classic pcap and pcapng) as a stream
// of UDP datagrams and TCP segment payloads with their capture times, and
// writes classic pcap files for test fixtures.
package pcapio
