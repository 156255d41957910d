// Package directorytest is the conformance suite every directory.Store
// adapter runs: TestStore.
package directorytest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/recordings/directory"
)

// TestStore checks a directory.Store. open returns the store over the same
// place each time it is called within one subtest (as a restart would
// reopen it), and a fresh, empty place in each subtest.
func TestStore(t *testing.T, open func(t *testing.T) func() directory.Store) {
	carol := directory.Learned{Name: "Carol", DisplayName: "Carol <C> & Co", Groups: []string{"recordings", "sales"},
		CDR: directory.Stamp{UTC: 1767348000, Arrival: 7},
		Devices: []directory.Device{{Name: "0090334A0B0C", CDR: directory.Stamp{UTC: 1767340000, Arrival: 5}},
			{Name: "carol-phone", CDR: directory.Stamp{UTC: 1767348000, Arrival: 7}}}}
	dave := directory.Learned{Name: "dave", DisplayName: "Dave D"}
	unicode := directory.Learned{Name: "zoë", DisplayName: "Zoë 🎧", Groups: []string{"Vertrieb Süd"}, CDR: directory.Stamp{Arrival: 1}}

	t.Run("empty", func(t *testing.T) {
		s := open(t)()
		users, err := s.Load()
		require.NoError(t, err)
		assert.Empty(t, users)
	})
	t.Run("round trip across reopening", func(t *testing.T) {
		reopen := open(t)
		require.NoError(t, reopen().Save([]directory.Learned{carol, dave, unicode}))
		users, err := reopen().Load()
		require.NoError(t, err)
		assert.ElementsMatch(t, []directory.Learned{carol, dave, unicode}, users)
	})
	t.Run("save replaces", func(t *testing.T) {
		reopen := open(t)
		s := reopen()
		require.NoError(t, s.Save([]directory.Learned{carol, dave}))
		changed := carol
		changed.Groups, changed.CDR = nil, directory.Stamp{UTC: 1767349000, Arrival: 8}
		changed.Devices = []directory.Device{{Name: "carol-phone", CDR: changed.CDR}}
		require.NoError(t, s.Save([]directory.Learned{changed}))
		users, err := reopen().Load()
		require.NoError(t, err)
		assert.Equal(t, []directory.Learned{changed}, users)
	})
	t.Run("save nothing", func(t *testing.T) {
		reopen := open(t)
		require.NoError(t, reopen().Save([]directory.Learned{dave}))
		require.NoError(t, reopen().Save(nil))
		users, err := reopen().Load()
		require.NoError(t, err)
		assert.Empty(t, users)
	})
}
