package main

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/f0fce437/callrec/adapters/usersfile"
	"github.com/f0fce437/callrec/cdr"
	"github.com/f0fce437/callrec/licensing"
	"github.com/f0fce437/callrec/recordings"
)

// userSet is the users file as loaded, with the CDR directory of every
// user the server knows.
type userSet struct {
	file *usersfile.Users
	dir  cdr.Directory
}

// directory is the cdr.Directory of the users the server knows: the users
// file, then the users known from AppLogin (by name only: the PBX did not
// say which devices are theirs).
type directory struct {
	file *usersfile.Users
	pbx  *pbxUsers
}

var _ cdr.Directory = directory{}

func (d directory) UserByName(name string) (cdr.DirectoryUser, bool) {
	if u, ok := d.file.Lookup(name); ok {
		return cdr.DirectoryUser{Name: u.Name, DisplayName: u.DisplayName, Devices: u.Devices}, true
	}
	if u, ok := d.pbx.lookup(name); ok {
		return cdr.DirectoryUser{Name: u.Name, DisplayName: u.DisplayName}, true
	}
	return cdr.DirectoryUser{}, false
}

func (d directory) UserByDevice(device string) (cdr.DirectoryUser, bool) {
	u, ok := d.file.ByDevice(device)
	if !ok {
		return cdr.DirectoryUser{}, false
	}
	return cdr.DirectoryUser{Name: u.Name, DisplayName: u.DisplayName, Devices: u.Devices}, true
}

// loadUsers reads the users file.
func (m *Main) loadUsers() error {
	f, err := usersfile.Load(m.Config.Users)
	if err != nil {
		return err
	}
	m.users.Store(&userSet{file: f, dir: directory{file: f, pbx: m.pbxUsers}})
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
	var gone []string
	for _, u := range old.file.All() {
		nu, ok := now.file.Lookup(u.Name)
		if !ok {
			gone = append(gone, u.Name)
		}
		if !ok || nu.Role != u.Role {
			m.sessions.EndAll(u.Name)
		}
	}
	// The entry was the user's only claim to exist: an AppLogin of the
	// same name later brings them back, without a licence.
	if err := m.pbxUsers.forget(gone...); err != nil {
		m.Logger.Error("updating the users known from AppLogin", "err", err)
	}
	if err := m.syncLicensingUsers(ctx); err != nil {
		m.Logger.Error("feeding the users to the licence engine", "err", err)
	}
	m.Logger.Info("users file reloaded", "users", len(now.file.All()), "removed", len(gone))
}

func (m *Main) displayName(name string) string {
	if u, ok := m.users.Load().file.Lookup(name); ok {
		if u.DisplayName != "" {
			return u.DisplayName
		}
		return u.Name
	}
	u, _ := m.pbxUsers.lookup(name)
	return u.DisplayName
}

// syncLicensingUsers makes the licence engine's users those the server
// knows (the users file's and AppLogin's) and their group memberships
// those of the users file, which is the authority on the groups of its
// users. A user the engine knew who is neither is removed from the PBX's
// users: a holder loses the licence at once (licensing's rule for a user
// who stops being eligible). Users of the file take over from the registry
// of AppLogin users, so that removing their entry removes them.
func (m *Main) syncLicensingUsers(ctx context.Context) error {
	users := m.users.Load().file.All()
	inFile := make(map[string]usersfile.User, len(users))
	fileNames := make([]string, 0, len(users))
	for _, u := range users {
		inFile[u.Name] = u
		fileNames = append(fileNames, u.Name)
	}
	if err := m.pbxUsers.forget(fileNames...); err != nil {
		return err
	}
	known := make(map[string]bool, len(users))
	for _, n := range fileNames {
		known[n] = true
	}
	pbx := m.pbxUsers.names()
	for _, n := range pbx {
		known[n] = true
	}
	syncEngine := func(e *licensing.Engine) ([]licensing.Decision, error) {
		snap := e.Snapshot()
		var out []licensing.Decision
		add := func(ds []licensing.Decision, err error) error {
			out = append(out, ds...)
			return err
		}
		for _, name := range snap.Users {
			if !known[name] {
				if err := add(e.RemoveUser(name)); err != nil {
					return out, err
				}
			}
		}
		for _, name := range pbx {
			if err := add(e.AddUser(name)); err != nil {
				return out, err
			}
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
				if u, ok := inFile[name]; ok && !slices.Contains(u.Groups, group) {
					if err := add(e.RemoveMember(group, name)); err != nil {
						return out, err
					}
				}
			}
		}
		return out, nil
	}
	return m.svc.UpdateLicensing(ctx, func(now time.Time) (recordings.LicenseDecisions, error) {
		return m.gate.Do(now, syncEngine)
	})
}

// addPBXUser registers a user the PBX vouched for (AppLogin) who has no
// entry in the users file, and makes them known to the licence engine. The
// first time, the recordings whose CDRs named them before they were known
// are correlated again, in the background, so that they become theirs.
func (m *Main) addPBXUser(ctx context.Context, name, display string) error {
	m.usersMu.Lock()
	defer m.usersMu.Unlock()
	if _, ok := m.users.Load().file.Lookup(name); ok {
		return nil
	}
	isNew, err := m.pbxUsers.remember(name, display)
	if err != nil {
		return err
	}
	err = m.svc.UpdateLicensing(ctx, func(now time.Time) (recordings.LicenseDecisions, error) {
		return m.gate.Do(now, func(e *licensing.Engine) ([]licensing.Decision, error) {
			return e.AddUser(name)
		})
	})
	if err != nil {
		return err
	}
	if isNew {
		m.correlation.request(m.background, m.correlateOwnerless)
	}
	return nil
}

// correlation runs a pass (correlateOwnerless) in the background, one at a
// time: requests during a pass make one more pass after it, however many
// users log in for the first time meanwhile.
type correlation struct {
	mu             sync.Mutex
	running, again bool
}

func (c *correlation) request(background func(func(context.Context)), pass func(context.Context)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running {
		c.again = true
		return
	}
	c.running = true
	background(func(ctx context.Context) {
		for {
			pass(ctx)
			c.mu.Lock()
			if !c.again || ctx.Err() != nil {
				c.running, c.again = false, false
				c.mu.Unlock()
				return
			}
			c.again = false
			c.mu.Unlock()
		}
	})
}

// correlateOwnerless correlates again every recording without an owner
// whose file name names its call: a CDR may name a user the server did not
// know when it arrived.
func (m *Main) correlateOwnerless(ctx context.Context) {
	none := ""
	for cursor := ""; ; {
		page, err := m.svc.List(ctx, recordings.SystemActor(), recordings.Filter{Owner: &none, Cursor: cursor, Limit: recordings.MaxPageSize})
		if err != nil {
			if ctx.Err() == nil {
				m.tracing.Logger(recordings.TraceCallInfo).Error("listing recordings without owner", "err", err)
			}
			return
		}
		var confs []string
		for _, r := range page.Recordings {
			if r.Name.Valid && r.Name.GUID != "" && !slices.Contains(confs, r.Name.GUID) {
				confs = append(confs, r.Name.GUID)
			}
		}
		if err := m.svc.CallInfoArrived(ctx, confs...); err != nil {
			m.tracing.Logger(recordings.TraceCallInfo).Error("correlating recordings without owner", "err", err)
		}
		if cursor = page.Next; cursor == "" {
			return
		}
	}
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
