package main

import (
	"context"
	"time"

	"github.com/f0fce437/callrec/adapters/usersfile"
	"github.com/f0fce437/callrec/licensing"
	"github.com/f0fce437/callrec/recordings"
	"github.com/f0fce437/callrec/recordings/directory"
)

// loadUsers reads the users file and makes its users the directory's.
func (m *Main) loadUsers() error {
	f, err := usersfile.Load(m.Config.Users)
	if err != nil {
		return err
	}
	all := f.All()
	users := make([]directory.User, len(all))
	for i, u := range all {
		users[i] = directory.User{Name: u.Name, DisplayName: u.DisplayName, Groups: u.Groups, Devices: u.Devices}
	}
	m.dir.SetFileUsers(users)
	m.users.Store(f)
	return nil
}

// ReloadUsers reads the users file again (on SIGHUP) and makes the licence
// engine follow it: new users and memberships apply at once, and a user
// whose entry is gone leaves the PBX's users (losing a licence held) and is
// logged out, as is a user whose role changed. A file that does not load
// leaves the old one in force.
func (m *Main) ReloadUsers(ctx context.Context) {
	m.usersMu.Lock()
	defer m.usersMu.Unlock()
	old := m.users.Load()
	if err := m.loadUsers(); err != nil {
		m.Logger.Error("reloading the users file; keeping the old one", "err", err)
		return
	}
	now := m.users.Load()
	gone := 0
	for _, u := range old.All() {
		nu, ok := now.Lookup(u.Name)
		if !ok {
			gone++
		}
		if !ok || nu.Role != u.Role {
			m.sessions.EndAll(u.Name)
		}
	}
	if err := m.dir.Sync(ctx); err != nil {
		m.Logger.Error("feeding the users to the licence engine", "err", err)
	}
	m.Logger.Info("users file reloaded", "users", len(now.All()), "removed", gone)
}

// engineUsers is the directory's way to the licence engine: the gate's
// engine, its decisions stored by the recordings service.
type engineUsers struct{ m *Main }

func (u engineUsers) UpdateUsers(ctx context.Context, fn func(*licensing.Engine) ([]licensing.Decision, error)) error {
	return u.m.svc.UpdateLicensing(ctx, func(now time.Time) (recordings.LicenseDecisions, error) {
		return u.m.gate.Do(now, fn)
	})
}
