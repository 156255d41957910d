package usersfile_test

import (
	"bytes"
	"testing"

	"github.com/f0fce437/callrec/adapters/usersfile"
)

// FuzzParse reads arbitrary users files: an error or a valid set, never a
// panic, and every user of a valid set is found by name.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"users":[{"name":"alice","role":"user","devices":["p"]},{"name":"bob","role":"admin"}]}`))
	f.Add([]byte(`{"users":[{"name":"a","role":"user","password_bcrypt":"$2a$04$abcdefghijklmnopqrstuu"}]}`))
	f.Add([]byte(`{"users":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		u, err := usersfile.Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, usr := range u.All() {
			if _, ok := u.Lookup(usr.Name); !ok {
				t.Fatalf("user %q not found by name", usr.Name)
			}
		}
	})
}
