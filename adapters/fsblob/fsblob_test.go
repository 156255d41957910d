package fsblob_test

import (
	"testing"

	"github.com/f0fce437/callrec/adapters/fsblob"
	"github.com/f0fce437/callrec/recordings"
	"github.com/f0fce437/callrec/recordings/recordingstest"
	"github.com/stretchr/testify/require"
)

func TestConformance(t *testing.T) {
	recordingstest.TestBlobStore(t, func(t *testing.T) recordings.BlobStore {
		s, err := fsblob.New(t.TempDir())
		require.NoError(t, err)
		return s
	})
}
