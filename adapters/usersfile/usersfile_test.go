package usersfile_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/f0fce437/callrec/adapters/usersfile"
)

func hash(t *testing.T, pw string) string {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	require.NoError(t, err)
	return string(h)
}

func TestParseAndLookup(t *testing.T) {
	doc := `{"users":[
	 {"name":"alice","display_name":"Alice A","role":"user","password_bcrypt":"` + hash(t, "a-secret") + `","groups":["sales"],"devices":["alice-phone"]},
	 {"name":"Bob","role":"admin","password_bcrypt":"` + hash(t, "b-secret") + `"},
	 {"name":"carol","role":"user","devices":["carol-desk","Carol-Soft"]}]}`
	u, err := usersfile.Parse(strings.NewReader(doc))
	require.NoError(t, err)

	alice, ok := u.Lookup("ALICE")
	require.True(t, ok)
	assert.Equal(t, "Alice A", alice.DisplayName)
	assert.Equal(t, []string{"sales"}, alice.Groups)

	carol, ok := u.ByDevice("carol-soft")
	require.True(t, ok)
	assert.Equal(t, "carol", carol.Name)
	_, ok = u.ByDevice("nobody-phone")
	assert.False(t, ok)
	assert.Len(t, u.All(), 3)

	t.Run("returned values are copies", func(t *testing.T) {
		a, _ := u.Lookup("alice")
		a.Devices[0] = "changed"
		again, _ := u.Lookup("alice")
		assert.Equal(t, "alice-phone", again.Devices[0])
	})
}

func TestAuthenticate(t *testing.T) {
	u, err := usersfile.New([]usersfile.User{
		{Name: "alice", Role: "user", PasswordBcrypt: hash(t, "a-secret")},
		{Name: "carol", Role: "user"}, // PBX login only
	})
	require.NoError(t, err)
	for _, tc := range []struct {
		name, user, password string
		ok                   bool
	}{
		{"right password", "alice", "a-secret", true},
		{"right password again (cached)", "alice", "a-secret", true},
		{"name in other case", "Alice", "a-secret", true},
		{"wrong password", "alice", "a-secreT", false},
		{"empty password", "alice", "", false},
		{"unknown user", "mallory", "a-secret", false},
		{"user without password", "carol", "", false},
		{"user without password, any password", "carol", "no such user", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			usr, ok := u.Authenticate(tc.user, tc.password)
			assert.Equal(t, tc.ok, ok)
			if ok {
				assert.Equal(t, "alice", usr.Name)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	good := hash(t, "x")
	for _, tc := range []struct{ name, doc, want string }{
		{"not JSON", `{"users":`, "invalid JSON"},
		{"unknown field", `{"users":[{"name":"a","role":"user","pasword_bcrypt":"x"}]}`, "unknown field"},
		{"trailing data", `{"users":[]} {}`, "after the top-level"},
		{"empty name", `{"users":[{"name":"","role":"user"}]}`, "name is empty"},
		{"spaces around name", `{"users":[{"name":" a","role":"user"}]}`, "leading or trailing"},
		{"bad role", `{"users":[{"name":"a","role":"root"}]}`, `role "root"`},
		{"duplicate name", `{"users":[{"name":"a","role":"user"},{"name":"A","role":"admin"}]}`, "already used"},
		{"duplicate device", `{"users":[{"name":"a","role":"user","devices":["p"]},{"name":"b","role":"user","devices":["P"]}]}`, `device "P" already belongs to "a"`},
		{"bad hash", `{"users":[{"name":"a","role":"user","password_bcrypt":"plain"}]}`, "not a bcrypt hash"},
		{"empty device", `{"users":[{"name":"a","role":"user","devices":[" "]}]}`, "empty device"},
		{"control character", `{"users":[{"name":"a\nb","role":"user","password_bcrypt":"` + good + `"}]}`, "control character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := usersfile.Parse(strings.NewReader(tc.doc))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestCreate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "users.json")
	require.NoError(t, usersfile.Create(path, "admin", "first-secret"))

	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	u, err := usersfile.Load(path)
	require.NoError(t, err)
	admin, ok := u.Authenticate("admin", "first-secret")
	require.True(t, ok)
	assert.Equal(t, usersfile.RoleAdmin, admin.Role)

	t.Run("never overwrites", func(t *testing.T) {
		err := usersfile.Create(path, "admin", "other")
		require.ErrorIs(t, err, os.ErrExist)
		_, ok := u.Authenticate("admin", "first-secret")
		assert.True(t, ok)
	})
	t.Run("missing file", func(t *testing.T) {
		_, err := usersfile.Load(filepath.Join(dir, "none.json"))
		require.ErrorIs(t, err, os.ErrNotExist)
	})
}
