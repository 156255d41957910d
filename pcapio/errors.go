package pcapio

import "errors"

// Errors returned by NewReader and Reader.Next, always wrapped with the
// details (offsets, lengths, magic numbers) that explain them. Callers branch
// on them with errors.Is.
var (
	// ErrEmpty means the input holds no bytes at all.
	ErrEmpty = errors.New("empty capture file")

	// ErrNotCapture means the input starts with neither a classic pcap nor a
	// pcapng magic number.
	ErrNotCapture = errors.New("not a pcap or pcapng file")

	// ErrTruncated means the input ends inside a file header, a record or a
	// block. Reader.Next returns it only after every complete record before
	// the cut, so a caller can keep what was readable and warn.
	ErrTruncated = errors.New("capture file truncated")

	// ErrCorrupt means a header holds values no valid capture has (a record
	// longer than MaxSnaplen, block lengths that disagree, an unknown format
	// version). The records after it cannot be found, so reading stops.
	ErrCorrupt = errors.New("corrupt capture file")
)
