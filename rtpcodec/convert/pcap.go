package convert

import (
	"errors"
	"io"
)

// Placeholder until pcapio's reader lands on main: it is replaced by the
// glue to pcapio.NewReader when merging.

var errPcapioMissing = errors.New("convert: pcapio reader not merged yet")

func newPcapReader(io.Reader) (packetSource, error) { return nil, errPcapioMissing }

// isReadEnd reports whether err ends a capture early but keeps what was
// read: a file cut off or corrupt after its header.
func isReadEnd(err error) bool { return false }
