package convert

import (
	"errors"
	"fmt"
	"io"

	"github.com/f0fce437/callrec/pcapio"
)

// newPcapReader opens a capture, translating pcapio's sentinels into this
// package's.
func newPcapReader(r io.Reader) (packetSource, error) {
	pr, err := pcapio.NewReader(r)
	switch {
	case err == nil:
		return pr, nil
	case errors.Is(err, pcapio.ErrEmpty):
		return nil, fmt.Errorf("%w: %w", ErrEmpty, err)
	case errors.Is(err, pcapio.ErrNotCapture), errors.Is(err, pcapio.ErrTruncated), errors.Is(err, pcapio.ErrCorrupt):
		return nil, fmt.Errorf("%w: %w", ErrNotCapture, err)
	}
	return nil, err
}

// isReadEnd reports whether err ends a capture early but keeps what was
// read: a file cut off, or corrupt after its header.
func isReadEnd(err error) bool {
	return errors.Is(err, pcapio.ErrTruncated) || errors.Is(err, pcapio.ErrCorrupt)
}
