package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
)

// pbxUsers is the registry of the users the PBX vouched for in an
// innovaphone AppLogin without an entry in the users file: the PBX is the
// authority on who exists, so they are users of the name it sent. They own
// the recordings whose CDRs name them (the CDR directory includes them),
// count for the licence engine, and keep the display name the PBX gave.
//
// The registry is persisted in a file of the data directory, so a restart
// neither drops them from the licence engine (which would cost them their
// licence) nor forgets their names. A user who gets an entry in the users
// file leaves the registry: from then on the file decides, and removing
// the entry removes the user.
//
// It is safe for concurrent use.
type pbxUsers struct {
	path string

	mu    sync.Mutex
	users map[string]pbxUser // lower-case name → user
}

// pbxUser is one registered user, as persisted.
type pbxUser struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name,omitempty"`
}

// maxPBXUsers bounds the registry: far more users than a PBX has.
const maxPBXUsers = 100_000

type pbxUsersFile struct {
	Users []pbxUser `json:"users"`
}

func newPBXUsers(path string) *pbxUsers {
	return &pbxUsers{path: path, users: make(map[string]pbxUser)}
}

// load reads the registry's file; a missing file is an empty registry.
func (p *pbxUsers) load() error {
	data, err := os.ReadFile(p.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var f pbxUsersFile
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("%s: %w", p.path, err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, u := range f.Users {
		if u.Name != "" {
			p.users[strings.ToLower(u.Name)] = u
		}
	}
	return nil
}

// remember registers name with its display name and reports whether the
// name was new. The file is rewritten only when something changed.
func (p *pbxUsers) remember(name, display string) (isNew bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	key := strings.ToLower(name)
	old, known := p.users[key]
	if known && old.DisplayName == display {
		return false, nil
	}
	if !known && len(p.users) >= maxPBXUsers {
		return false, fmt.Errorf("more than %d users known from AppLogin", maxPBXUsers)
	}
	if known {
		name = old.Name // the spelling first seen stays the user's name
	}
	p.users[key] = pbxUser{Name: name, DisplayName: display}
	if err := p.saveLocked(); err != nil {
		if known {
			p.users[key] = old
		} else {
			delete(p.users, key)
		}
		return false, err
	}
	return !known, nil
}

// forget drops names from the registry.
func (p *pbxUsers) forget(names ...string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	changed := false
	for _, n := range names {
		key := strings.ToLower(n)
		if _, ok := p.users[key]; ok {
			delete(p.users, key)
			changed = true
		}
	}
	if !changed {
		return nil
	}
	return p.saveLocked()
}

// lookup returns the registered user called name (without regard to case).
func (p *pbxUsers) lookup(name string) (pbxUser, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	u, ok := p.users[strings.ToLower(name)]
	return u, ok
}

// names returns the registered names, sorted.
func (p *pbxUsers) names() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.users))
	for _, u := range p.users {
		out = append(out, u.Name)
	}
	slices.Sort(out)
	return out
}

func (p *pbxUsers) saveLocked() error {
	f := pbxUsersFile{Users: make([]pbxUser, 0, len(p.users))}
	for _, u := range p.users {
		f.Users = append(f.Users, u)
	}
	slices.SortFunc(f.Users, func(a, b pbxUser) int { return strings.Compare(a.Name, b.Name) })
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return writeSecret(p.path, data)
}
