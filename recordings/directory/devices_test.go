package directory_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/adapters/pbxusersfile"
	"github.com/f0fce437/callrec/recordings/directory"
)

// deviceCDR is the CDR of user object h323 of a call started at utc, made
// with device (the device attribute, given verbatim).
func deviceCDR(h323, device string, utc int64) string {
	return strings.Replace(userCDR(h323, "", utc), `device="`+h323+`-phone"`, `device="`+device+`"`, 1)
}

// ownerOf returns the user device belongs to, as the NoCDR fallback of
// the recordings service asks it, or "".
func ownerOf(t *testing.T, d *directory.Directory, device string) string {
	t.Helper()
	name, ok, err := d.Devices().UserByDevice(context.Background(), device)
	require.NoError(t, err)
	if !ok {
		return ""
	}
	return name
}

// TestCDRTeachesDevices: a user CDR's device is the user's (without
// regard to case), for the NoCDR fallback and for correlation; a device
// belongs to the user of the latest CDR naming it.
func TestCDRTeachesDevices(t *testing.T) {
	var added []string
	d := directory.New(directory.Config{Added: func(n []string) { added = append(added, n...) }})
	feed(t, d, deviceCDR("carol", "carol-phone", 100), deviceCDR("carol", "0090334A0B0C", 110))
	assert.Equal(t, []string{"carol"}, added, "announced once for the batch")
	feed(t, d, deviceCDR("carol", "carol-phone", 120))
	assert.Equal(t, []string{"carol"}, added, "a device known already is not announced")
	assert.Equal(t, "carol", ownerOf(t, d, "Carol-Phone"))
	assert.Equal(t, "carol", ownerOf(t, d, "0090334a0b0c"))
	u, ok := d.UserByDevice("carol-phone")
	require.True(t, ok)
	assert.Equal(t, []string{"0090334A0B0C", "carol-phone"}, u.Devices)
	assert.Equal(t, "", ownerOf(t, d, "dave-phone"))

	t.Run("AnotherUsersNewerCDRTakesTheDevice", func(t *testing.T) {
		feed(t, d, deviceCDR("dave", "dave-phone", 190))
		added = nil
		feed(t, d, deviceCDR("dave", "carol-phone", 200))
		assert.Equal(t, []string{"dave"}, added, "a known user with a new device is announced: NoCDR recordings from it may be his")
		assert.Equal(t, "dave", ownerOf(t, d, "carol-phone"))
		u, _ := d.Lookup("carol")
		assert.Equal(t, []string{"0090334A0B0C"}, u.Devices)
	})
	t.Run("AnOlderCDRArrivingLateDoesNotTakeItBack", func(t *testing.T) {
		feed(t, d, deviceCDR("carol", "carol-phone", 150)) // newer than carol's latest, older than dave's
		assert.Equal(t, "dave", ownerOf(t, d, "carol-phone"))
	})
	t.Run("ACDRWithoutDeviceTeachesNone", func(t *testing.T) {
		feed(t, d, deviceCDR("erin", "", 300))
		u, ok := d.Lookup("erin")
		require.True(t, ok)
		assert.Empty(t, u.Devices)
	})
}

// TestFileDecidesDevices: the users file is the authority for its users'
// devices: a CDR of a file user teaches no device, a device the file
// lists stays its user's whatever CDRs say, and the file takes a learned
// device over.
func TestFileDecidesDevices(t *testing.T) {
	d := directory.New(directory.Config{})
	d.SetFileUsers([]directory.User{{Name: "alice", Devices: []string{"alice-phone"}}})
	feed(t, d,
		deviceCDR("alice", "alice-softphone", 100),
		deviceCDR("carol", "alice-phone", 100),
		deviceCDR("carol", "shared-1", 100))
	assert.Equal(t, "", ownerOf(t, d, "alice-softphone"), "a file user's CDR teaches nothing")
	assert.Equal(t, "alice", ownerOf(t, d, "alice-phone"))
	assert.Equal(t, "carol", ownerOf(t, d, "shared-1"))

	d.SetFileUsers([]directory.User{{Name: "alice", Devices: []string{"alice-phone", "shared-1"}}})
	assert.Equal(t, "alice", ownerOf(t, d, "shared-1"))
	u, _ := d.Lookup("carol")
	assert.Empty(t, u.Devices, "the file took it")
	d.SetFileUsers([]directory.User{{Name: "alice", Devices: []string{"alice-phone"}}})
	assert.Equal(t, "", ownerOf(t, d, "shared-1"), "not given back until a CDR names it again")
}

// TestHostileDevices: device names are validated like user names, and a
// user keeps the devices of their latest MaxDevices CDRs.
func TestHostileDevices(t *testing.T) {
	long := strings.Repeat("x", directory.MaxNameLen+1)
	for _, tc := range []struct{ name, device, lookup string }{
		{"tab", "car&#x9;ol", "car\tol"},
		{"C1 control character", "car&#x85;ol", "car\u0085ol"},
		{"surrounding space", " carol-phone", " carol-phone"},
		{"too long", long, long},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := directory.New(directory.Config{})
			feed(t, d, deviceCDR("carol", tc.device, 100))
			_, known := d.Lookup("carol")
			assert.True(t, known, "the user is learned all the same")
			assert.Equal(t, "", ownerOf(t, d, tc.lookup))
		})
	}
	t.Run("bounded", func(t *testing.T) {
		d := directory.New(directory.Config{})
		for i := range directory.MaxDevices + 2 {
			feed(t, d, deviceCDR("carol", fmt.Sprintf("phone-%02d", i), int64(100+i)))
		}
		u, _ := d.Lookup("carol")
		assert.Len(t, u.Devices, directory.MaxDevices)
		assert.Equal(t, "", ownerOf(t, d, "phone-00"), "the oldest are dropped")
		assert.Equal(t, "", ownerOf(t, d, "phone-01"))
		assert.Equal(t, "carol", ownerOf(t, d, fmt.Sprintf("phone-%02d", directory.MaxDevices+1)))
	})
}

// TestDevicesSurviveRestart: the learned devices are saved through the
// Store, with the order of the CDR that named them last.
func TestDevicesSurviveRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pbx-users.json")
	open := func() *directory.Directory {
		d := directory.New(directory.Config{Store: pbxusersfile.New(path)})
		require.NoError(t, d.Load())
		d.SetFileUsers(nil)
		return d
	}
	d := open()
	feed(t, d, deviceCDR("carol", "carol-phone", 100), deviceCDR("dave", "desk-7", 300))
	require.NoError(t, d.Flush())

	d = open()
	assert.Equal(t, "carol", ownerOf(t, d, "carol-phone"))
	assert.Equal(t, "dave", ownerOf(t, d, "desk-7"))
	feed(t, d, deviceCDR("carol", "desk-7", 200)) // older than dave's CDR before the restart
	assert.Equal(t, "dave", ownerOf(t, d, "desk-7"))
}

// TestLoadResolvesConflicts: a saved list (hand-edited, or written by a
// crash between two versions) that gives a device to two users is read as
// the latest CDR says.
func TestLoadResolvesConflicts(t *testing.T) {
	store := &memStore{users: []directory.Learned{
		{Name: "carol", Devices: []directory.Device{{Name: "desk-7", CDR: directory.Stamp{UTC: 100, Arrival: 1}}, {Name: "bad\nname"}}},
		{Name: "dave", Devices: []directory.Device{{Name: "DESK-7", CDR: directory.Stamp{UTC: 200, Arrival: 2}}}},
	}}
	d := directory.New(directory.Config{Store: store})
	require.NoError(t, d.Load())
	assert.Equal(t, "dave", ownerOf(t, d, "desk-7"))
	assert.Equal(t, "", ownerOf(t, d, "bad\nname"))
	u, _ := d.Lookup("carol")
	assert.Empty(t, u.Devices)
}

// memStore is a directory.Store in memory.
type memStore struct{ users []directory.Learned }

func (m *memStore) Load() ([]directory.Learned, error) { return m.users, nil }
func (m *memStore) Save(users []directory.Learned) error {
	m.users = users
	return nil
}
