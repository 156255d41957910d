package pbxusersfile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/adapters/pbxusersfile"
	"github.com/f0fce437/callrec/recordings/directory"
	"github.com/f0fce437/callrec/recordings/directory/directorytest"
)

func TestStore(t *testing.T) {
	directorytest.TestStore(t, func(t *testing.T) func() directory.Store {
		path := filepath.Join(t.TempDir(), "pbx-users.json")
		return func() directory.Store { return pbxusersfile.New(path) }
	})
}

// TestEarlierFormat: the files earlier versions wrote read as such: users
// known from AppLogin only (before CDRs taught users), users with groups
// but no devices (before CDRs taught devices).
func TestEarlierFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pbx-users.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"users":[{"name":"dave","display_name":"Dave D"},{"name":"erin"}]}`), 0o600))
	users, err := pbxusersfile.New(path).Load()
	require.NoError(t, err)
	assert.Equal(t, []directory.Learned{{Name: "dave", DisplayName: "Dave D"}, {Name: "erin"}}, users)

	// Written before CDRs taught devices: users with groups, no devices.
	require.NoError(t, os.WriteFile(path, []byte(`{"users":[{"name":"carol","groups":["recordings"],"cdr":{"utc":1767348000,"arrival":3}}]}`), 0o600))
	users, err = pbxusersfile.New(path).Load()
	require.NoError(t, err)
	assert.Equal(t, []directory.Learned{{Name: "carol", Groups: []string{"recordings"}, CDR: directory.Stamp{UTC: 1767348000, Arrival: 3}}}, users)
}

func TestSavedPrivately(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pbx-users.json")
	require.NoError(t, pbxusersfile.New(path).Save([]directory.Learned{{Name: "carol"}}))
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.JSONEq(t, `{"users":[{"name":"carol"}]}`, string(data))
}

func TestBadFiles(t *testing.T) {
	for _, tc := range []struct{ name, content string }{
		{"not JSON", `{"users":[`},
		{"wrong type", `{"users":{"name":"x"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "pbx-users.json")
			require.NoError(t, os.WriteFile(path, []byte(tc.content), 0o600))
			_, err := pbxusersfile.New(path).Load()
			require.Error(t, err)
			assert.Contains(t, err.Error(), path)
		})
	}
}
