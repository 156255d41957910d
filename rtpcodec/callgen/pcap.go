package callgen

import (
	"io"

	"github.com/f0fce437/callrec/pcapio"
)

// WritePcap writes the call as a classic pcap file (Ethernet, microsecond
// timestamps) through pcapio's writer.
func (r *Result) WritePcap(w io.Writer) error {
	return r.WritePcapWith(w, pcapio.WriterOptions{FrameOptions: pcapio.FrameOptions{LinkType: pcapio.LinkEthernet}})
}

// WritePcapWith writes the call with the given writer options (link type,
// VLAN tags, fragmentation MTU...).
func (r *Result) WritePcapWith(w io.Writer, opts pcapio.WriterOptions) error {
	pw, err := pcapio.NewWriter(w, opts)
	if err != nil {
		return err
	}
	for _, p := range r.Packets {
		if p.Proto == pcapio.TCP {
			err = pw.WriteTCP(p.Time, p.Src, p.Dst, p.Seq, p.Payload)
		} else {
			err = pw.WriteUDP(p.Time, p.Src, p.Dst, p.Payload)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
