package usersfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/f0fce437/callrec/internal/atomicfile"
)

// Roles of a user.
const (
	RoleUser  = "user"
	RoleAdmin = "admin"
)

// MaxFileSize bounds the users file: far more than thousands of users need.
const MaxFileSize = 16 << 20

// User is one entry of the users file.
type User struct {
	Name           string   `json:"name"`
	DisplayName    string   `json:"display_name,omitempty"`
	Role           string   `json:"role"`
	PasswordBcrypt string   `json:"password_bcrypt,omitempty"`
	Groups         []string `json:"groups,omitempty"`
	Devices        []string `json:"devices,omitempty"`
}

// document is the file's top level.
type document struct {
	Users []User `json:"users"`
}

// Users is a loaded users file. It is immutable and safe for concurrent use;
// to pick up changes, Load the file again and swap the value.
type Users struct {
	list     []User
	byName   map[string]int // lower-case name → index in list
	byDevice map[string]int // lower-case device → index in list
	dummy    []byte         // a bcrypt hash compared against for unknown names

	cacheMu sync.Mutex
	cache   map[[sha256.Size]byte]time.Time // verified name+password → expiry
}

// cacheTTL is how long a verified password is remembered, so that scripts
// sending Basic credentials on every request do not pay a bcrypt each time.
const cacheTTL = 5 * time.Minute

// cacheMax bounds the verification cache.
const cacheMax = 1024

// Load reads and validates the users file at path.
func Load(path string) (*Users, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("users file: %w", err)
	}
	defer f.Close()
	u, err := Parse(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("users file %s: %w", path, err)
	}
	return u, nil
}

// Parse reads and validates a users file from r.
func Parse(r io.Reader) (*Users, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("larger than %d bytes", MaxFileSize)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var doc document
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("invalid JSON: data after the top-level object")
	}
	return New(doc.Users)
}

// New validates users and returns them as a Users value. It keeps its own
// copy of the slice.
func New(users []User) (*Users, error) {
	u := &Users{
		list:     make([]User, len(users)),
		byName:   make(map[string]int, len(users)),
		byDevice: make(map[string]int),
		cache:    make(map[[sha256.Size]byte]time.Time),
	}
	for i, usr := range users {
		if err := validate(usr); err != nil {
			return nil, fmt.Errorf("user %d (%q): %w", i+1, usr.Name, err)
		}
		key := strings.ToLower(usr.Name)
		if j, dup := u.byName[key]; dup {
			return nil, fmt.Errorf("user %d (%q): name already used by user %d", i+1, usr.Name, j+1)
		}
		u.byName[key] = i
		for _, d := range usr.Devices {
			dk := strings.ToLower(d)
			if j, dup := u.byDevice[dk]; dup && j != i {
				return nil, fmt.Errorf("user %d (%q): device %q already belongs to %q", i+1, usr.Name, d, users[j].Name)
			}
			u.byDevice[dk] = i
		}
		usr.Groups = append([]string(nil), usr.Groups...)
		usr.Devices = append([]string(nil), usr.Devices...)
		u.list[i] = usr
	}
	// The cost matches the users' hashes closely enough that an unknown name
	// takes about as long to refuse as a wrong password.
	dummy, err := bcrypt.GenerateFromPassword([]byte("no such user"), bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	u.dummy = dummy
	return u, nil
}

func validate(u User) error {
	switch {
	case strings.TrimSpace(u.Name) == "":
		return errors.New("name is empty")
	case u.Name != strings.TrimSpace(u.Name):
		return errors.New("name has leading or trailing space")
	case len(u.Name) > 256:
		return errors.New("name longer than 256 bytes")
	case strings.ContainsAny(u.Name, "\x00\r\n"):
		return errors.New("name holds a control character")
	case u.Role != RoleUser && u.Role != RoleAdmin:
		return fmt.Errorf("role %q is neither %q nor %q", u.Role, RoleUser, RoleAdmin)
	}
	if u.PasswordBcrypt != "" {
		if _, err := bcrypt.Cost([]byte(u.PasswordBcrypt)); err != nil {
			return fmt.Errorf("password_bcrypt is not a bcrypt hash: %w", err)
		}
	}
	for _, d := range u.Devices {
		if strings.TrimSpace(d) == "" {
			return errors.New("empty device name")
		}
	}
	return nil
}

// All returns a copy of every user, in file order.
func (u *Users) All() []User {
	out := make([]User, len(u.list))
	for i, usr := range u.list {
		out[i] = clone(usr)
	}
	return out
}

// Lookup returns the user called name (without regard to case).
func (u *Users) Lookup(name string) (User, bool) {
	i, ok := u.byName[strings.ToLower(name)]
	if !ok {
		return User{}, false
	}
	return clone(u.list[i]), true
}

// ByDevice returns the user whose devices include device (a registration
// name or device id, without regard to case).
func (u *Users) ByDevice(device string) (User, bool) {
	i, ok := u.byDevice[strings.ToLower(device)]
	if !ok {
		return User{}, false
	}
	return clone(u.list[i]), true
}

// Authenticate returns the user called name if password is theirs. An unknown
// name, a user without a password and a wrong password all take a bcrypt
// comparison, so that timing does not tell which names exist.
func (u *Users) Authenticate(name, password string) (User, bool) {
	usr, known := u.Lookup(name)
	hash := u.dummy
	if known && usr.PasswordBcrypt != "" {
		hash = []byte(usr.PasswordBcrypt)
	}
	if known && usr.PasswordBcrypt != "" && u.cached(usr, password) {
		return usr, true
	}
	err := bcrypt.CompareHashAndPassword(hash, []byte(password))
	if err != nil || !known || usr.PasswordBcrypt == "" {
		return User{}, false
	}
	u.remember(usr, password)
	return usr, true
}

// cacheKey binds the name, the password and the hash, so that a changed hash
// (a reloaded file) never matches an old entry.
func cacheKey(usr User, password string) [sha256.Size]byte {
	h := sha256.New()
	for _, s := range []string{strings.ToLower(usr.Name), usr.PasswordBcrypt, password} {
		fmt.Fprintf(h, "%d:%s", len(s), s)
	}
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

func (u *Users) cached(usr User, password string) bool {
	k := cacheKey(usr, password)
	u.cacheMu.Lock()
	defer u.cacheMu.Unlock()
	exp, ok := u.cache[k]
	if ok && time.Now().Before(exp) {
		return true
	}
	delete(u.cache, k)
	return false
}

func (u *Users) remember(usr User, password string) {
	k := cacheKey(usr, password)
	now := time.Now()
	u.cacheMu.Lock()
	defer u.cacheMu.Unlock()
	if len(u.cache) >= cacheMax {
		for key, exp := range u.cache {
			if now.After(exp) || len(u.cache) >= cacheMax {
				delete(u.cache, key)
			}
		}
	}
	u.cache[k] = now.Add(cacheTTL)
}

func clone(u User) User {
	u.Groups = append([]string(nil), u.Groups...)
	u.Devices = append([]string(nil), u.Devices...)
	return u
}

// Create writes a new users file at path holding one admin account called
// name with the given password (hashed with bcrypt). It refuses to overwrite
// an existing file. The file is written with mode 0600, fsynced, and
// renamed into place, so a crash never leaves half a file.
func Create(path, name, password string) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	doc := document{Users: []User{{Name: name, DisplayName: "Administrator", Role: RoleAdmin, PasswordBcrypt: string(hash)}}}
	if _, err := New(doc.Users); err != nil {
		return err
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Create(path, append(data, '\n'))
}
