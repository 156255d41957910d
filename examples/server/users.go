package main

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/f0fce437/callrec/adapters/usersfile"
	"github.com/f0fce437/callrec/cdr"
	"github.com/f0fce437/callrec/licensing"
	"github.com/f0fce437/callrec/recordings"
)

// userSet is the users file as loaded, with its view as a CDR directory.
type userSet struct {
	file *usersfile.Users
	dir  cdr.UserList
}

// pbxUsers remembers the display names of users known only from an
// innovaphone AppLogin (the PBX is the authority on who exists).
type pbxUsers struct {
	mu    sync.Mutex
	names map[string]string // lower-case name → display name
}

// maxPBXUsers bounds the memory of display names learnt from AppLogins.
const maxPBXUsers = 100_000

func (p *pbxUsers) remember(name, display string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.names == nil {
		p.names = make(map[string]string)
	}
	if len(p.names) < maxPBXUsers {
		p.names[strings.ToLower(name)] = display
	}
}

func (p *pbxUsers) display(name string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.names[strings.ToLower(name)]
}

// loadUsers reads the users file.
func (m *Main) loadUsers() error {
	f, err := usersfile.Load(m.Config.Users)
	if err != nil {
		return err
	}
	all := f.All()
	dir := make(cdr.UserList, 0, len(all))
	for _, u := range all {
		dir = append(dir, cdr.DirectoryUser{Name: u.Name, DisplayName: u.DisplayName, Devices: u.Devices})
	}
	m.users.Store(&userSet{file: f, dir: dir})
	return nil
}

// ReloadUsers reads the users file again (on SIGHUP): new users and group
// memberships reach the licence engine; a user whose file entry is gone
// loses their sessions. A file that does not load leaves the old one in
// force.
func (m *Main) ReloadUsers(ctx context.Context) {
	old := m.users.Load()
	if err := m.loadUsers(); err != nil {
		m.Logger.Error("reloading the users file; keeping the old one", "err", err)
		return
	}
	now := m.users.Load()
	for _, u := range old.file.All() {
		if _, ok := now.file.Lookup(u.Name); !ok {
			m.sessions.EndAll(u.Name)
		}
	}
	if err := m.syncLicensingUsers(ctx); err != nil {
		m.Logger.Error("feeding the users to the licence engine", "err", err)
	}
	m.Logger.Info("users file reloaded", "users", len(now.file.All()))
}

func (m *Main) displayName(name string) string {
	if u, ok := m.users.Load().file.Lookup(name); ok {
		if u.DisplayName != "" {
			return u.DisplayName
		}
		return u.Name
	}
	return m.pbxUsers.display(name)
}

// syncLicensingUsers tells the licence engine the users of the users file
// and their group memberships: the file is the authority on the groups of
// its users. Users are only added: users known from AppLogins exist too.
func (m *Main) syncLicensingUsers(ctx context.Context) error {
	users := m.users.Load().file.All()
	d, err := m.gate.Do(m.now(), func(e *licensing.Engine) ([]licensing.Decision, error) {
		snap := e.Snapshot()
		var out []licensing.Decision
		add := func(ds []licensing.Decision, err error) error {
			out = append(out, ds...)
			return err
		}
		for _, u := range users {
			if err := add(e.AddUser(u.Name)); err != nil {
				return out, err
			}
			for _, g := range u.Groups {
				if err := add(e.AddMember(g, u.Name)); err != nil {
					return out, err
				}
			}
		}
		for group, members := range snap.Members {
			for _, name := range members {
				for _, u := range users {
					if u.Name == name && !slices.Contains(u.Groups, group) {
						if err := add(e.RemoveMember(group, name)); err != nil {
							return out, err
						}
					}
				}
			}
		}
		return out, nil
	})
	if err != nil {
		return err
	}
	return m.svc.ApplyLicenseDecisions(ctx, d)
}

// addPBXUser makes a user the PBX vouched for (AppLogin) known to the licence
// engine.
func (m *Main) addPBXUser(ctx context.Context, name, display string) error {
	if _, ok := m.users.Load().file.Lookup(name); ok {
		return nil
	}
	m.pbxUsers.remember(name, display)
	d, err := m.gate.Do(m.now(), func(e *licensing.Engine) ([]licensing.Decision, error) {
		return e.AddUser(name)
	})
	if err != nil {
		return err
	}
	return m.svc.ApplyLicenseDecisions(ctx, d)
}

// deviceDirectory is the recordings.DeviceDirectory on the users file: the
// owner of a recording without a CDR is the user whose devices include its
// registration name.
type deviceDirectory struct{ m *Main }

func (d deviceDirectory) UserByDevice(_ context.Context, regName string) (string, bool, error) {
	u, ok := d.m.users.Load().file.ByDevice(regName)
	return u.Name, ok, nil
}

var _ recordings.DeviceDirectory = deviceDirectory{}
