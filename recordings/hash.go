package recordings

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
)

// hashBlob reads b to the end and returns its size and SHA-256.
func hashBlob(b io.Reader) (BlobInfo, error) {
	h := sha256.New()
	n, err := io.Copy(h, b)
	if err != nil {
		return BlobInfo{}, err
	}
	return BlobInfo{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}
