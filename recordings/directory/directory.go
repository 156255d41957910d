package directory

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/f0fce437/callrec/cdr"
	"github.com/f0fce437/callrec/licensing"
	"github.com/f0fce437/callrec/recordings"
)

// Bounds on what the PBX may make the directory keep.
const (
	MaxNameLen = 256     // bytes of a user, group or display name
	MaxGroups  = 256     // groups counted for one user
	MaxDevices = 16      // devices kept for one learned user: those of their latest CDRs
	MaxLearned = 100_000 // users learned from AppLogin and CDRs: far more than a PBX has
)

// ErrInvalidName is returned for a user name the directory does not accept
// (see the package doc).
var ErrInvalidName = errors.New("directory: invalid user name")

// User is a user of the users file, as the directory needs it.
type User struct {
	Name        string
	DisplayName string
	Groups      []string // the groups the user is a member of
	Devices     []string // registration names and device ids of the user's phones
}

// Learned is a user the PBX told of (AppLogin or CDRs) who has no entry in
// the users file, as a Store keeps it.
type Learned struct {
	Name        string
	DisplayName string
	// Groups are the memberships of the user's latest CDR, sorted; none for
	// a user no CDR named.
	Groups []string
	// CDR orders the CDR Groups come from; zero when no CDR named the user.
	CDR Stamp
	// Devices are the devices the user's CDRs named (their device
	// attribute), sorted by name, at most MaxDevices; none for a user no
	// CDR named.
	Devices []Device
}

// Device is a device (registration name or hardware id) a learned user's
// CDR named.
type Device struct {
	Name string
	// CDR orders the latest CDR that named the device: a device belongs
	// to the user of the latest CDR naming it.
	CDR Stamp
}

// Stamp orders the CDRs of one user: by UTC, then by Arrival.
type Stamp struct {
	UTC     int64  // the CDR's utc (start of its call), 0 when absent
	Arrival uint64 // the order in which the directory learned from CDRs, from 1
}

// IsZero reports whether s stamps no CDR.
func (s Stamp) IsZero() bool { return s.Arrival == 0 }

// Compare orders s and t: -1 if s is older, +1 if newer, 0 if equal.
func (s Stamp) Compare(t Stamp) int {
	return cmp.Or(cmp.Compare(s.UTC, t.UTC), cmp.Compare(s.Arrival, t.Arrival))
}

// A Store persists the learned users. Implementations live in adapters/ and
// run the conformance suite directorytest.TestStore. The Directory calls
// them one at a time.
type Store interface {
	// Load returns the users saved last, none before the first Save.
	Load() ([]Learned, error)
	// Save replaces what is saved by users, durably and atomically: after
	// a crash Load returns the old list or the new one.
	Save(users []Learned) error
}

// Licensing applies changes of the users on the PBX and of their group
// memberships to the licence engine: UpdateUsers runs fn on the engine and
// stores the decisions it returns (the server wires it to
// recordings.Service.UpdateLicensing around licensegate.Gate.Do).
type Licensing interface {
	UpdateUsers(ctx context.Context, fn func(e *licensing.Engine) ([]licensing.Decision, error)) error
}

// Config configures a Directory. The zero value of each field means its
// default.
type Config struct {
	// Store persists the learned users; default: kept in memory only.
	Store Store
	// Licensing receives the users and memberships; default: none.
	Licensing Licensing
	// PBXName returns the PBX name of the settings ("" while unset): once
	// set, CDRs of another PBX teach nothing. Default: CDRs of any PBX.
	PBXName func(ctx context.Context) (string, error)
	// Added is called after users became known for the first time (and
	// reached the licence engine), or a CDR made a device theirs, without
	// locks held: recordings whose CDRs named them before, or NoCDR ones
	// from the device, may be theirs. It must not block for long.
	Added func(names []string)
	// Logger receives what the directory learns and what it refuses;
	// default: discard.
	Logger *slog.Logger
}

// Directory is the directory of users; see the package doc. It is safe for
// concurrent use.
type Directory struct {
	store   Store
	lic     Licensing
	pbxName func(ctx context.Context) (string, error)
	added   func(names []string)
	log     *slog.Logger

	// change serialises changes together with their licensing updates, so
	// that the engine gets them in order.
	change sync.Mutex
	resync bool // a licensing update failed: the next change sends everything
	dirty  bool // learned changed since the last successful Save
	stale  bool // only a user's latest CDR changed since then: saved with the next Save

	mu             sync.RWMutex       // guards what follows; taken inside change
	file           map[string]User    // lower-case name → user of the users file
	devices        map[string]User    // lower-case device → user of the users file
	learned        map[string]Learned // lower-case name → learned user
	learnedDevices map[string]string  // lower-case device → lower-case name of the learned user it belongs to
	arrivals       uint64             // the last Stamp.Arrival given
	scratch        []string           // group names of the CDR being learned
}

var _ cdr.Directory = (*Directory)(nil)
var _ cdr.Observer = (*Directory)(nil)

// New returns an empty Directory; Load what its Store saved before use.
func New(c Config) *Directory {
	d := &Directory{
		store: c.Store, lic: c.Licensing, pbxName: c.PBXName, added: c.Added, log: c.Logger,
		file: map[string]User{}, devices: map[string]User{}, learned: map[string]Learned{},
		learnedDevices: map[string]string{},
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	return d
}

// Load reads the learned users from the Store. Entries that are not valid
// (a name the directory would refuse, a repeated name) are skipped and
// logged. It does not reach the licence engine: call Sync.
func (d *Directory) Load() error {
	if d.store == nil {
		return nil
	}
	users, err := d.store.Load()
	if err != nil {
		return fmt.Errorf("directory: loading the learned users: %w", err)
	}
	d.change.Lock()
	defer d.change.Unlock()
	d.mu.Lock()
	defer d.mu.Unlock()
	clear(d.learned)
	for _, u := range users {
		key := strings.ToLower(u.Name)
		if _, dup := d.learned[key]; dup || !validName(u.Name) || len(d.learned) >= MaxLearned {
			d.log.Warn("skipping a saved user", "name", u.Name)
			continue
		}
		u.DisplayName = cleanDisplay(u.DisplayName)
		u.Groups = countedGroups(u.Groups)
		d.learned[key] = u
		d.arrivals = max(d.arrivals, u.CDR.Arrival)
		for _, dv := range u.Devices {
			d.arrivals = max(d.arrivals, dv.CDR.Arrival)
		}
	}
	d.indexDevicesLocked()
	return nil
}

// indexDevicesLocked makes the learned users' devices consistent and
// indexes them: a device the users file lists is the file's, one named by
// several learned users belongs to the one whose CDR naming it is the
// latest, a name that is not acceptable is dropped, and a user keeps at
// most MaxDevices (the latest). It reports whether a user changed.
func (d *Directory) indexDevicesLocked() bool {
	type claim struct {
		user  string
		stamp Stamp
	}
	best := map[string]claim{}
	for key, u := range d.learned {
		for _, dv := range u.Devices {
			dk := strings.ToLower(dv.Name)
			if _, inFile := d.devices[dk]; inFile || !validName(dv.Name) {
				continue
			}
			b, ok := best[dk]
			if !ok || cmp.Or(dv.CDR.Compare(b.stamp), strings.Compare(b.user, key)) > 0 {
				best[dk] = claim{key, dv.CDR}
			}
		}
	}
	clear(d.learnedDevices)
	changed := false
	for key, u := range d.learned {
		if len(u.Devices) == 0 {
			continue
		}
		var kept []Device
		for _, dv := range u.Devices {
			dk := strings.ToLower(dv.Name)
			if b, ok := best[dk]; ok && b.user == key && d.learnedDevices[dk] == "" {
				kept = append(kept, dv)
				d.learnedDevices[dk] = key
			}
		}
		kept = d.boundDevicesLocked(kept)
		if !slices.Equal(kept, u.Devices) {
			u.Devices = kept
			d.learned[key] = u
			changed = true
		}
	}
	return changed
}

// boundDevicesLocked sorts devs by name and drops the oldest beyond
// MaxDevices from devs and the index.
func (d *Directory) boundDevicesLocked(devs []Device) []Device {
	for len(devs) > MaxDevices {
		oldest := 0
		for i, dv := range devs {
			if dv.CDR.Compare(devs[oldest].CDR) < 0 {
				oldest = i
			}
		}
		delete(d.learnedDevices, strings.ToLower(devs[oldest].Name))
		devs = slices.Delete(devs, oldest, oldest+1)
	}
	slices.SortFunc(devs, func(a, b Device) int { return strings.Compare(a.Name, b.Name) })
	return devs
}

// SetFileUsers makes users the users of the users file (validated by its
// adapter). Learned users the file lists are the file's from now on: what
// the PBX told of them is forgotten (so removing their entry later removes
// them). It does not reach the licence engine: call Sync. A failure to
// save what was forgotten is logged and retried with the next change: it
// is harmless, since the file takes the users over again at the next start.
func (d *Directory) SetFileUsers(users []User) {
	d.change.Lock()
	defer d.change.Unlock()
	d.mu.Lock()
	file := make(map[string]User, len(users))
	devices := make(map[string]User)
	forgot := false
	for _, u := range users {
		u.Groups, u.Devices = slices.Clone(u.Groups), slices.Clone(u.Devices)
		key := strings.ToLower(u.Name)
		file[key] = u
		for _, dev := range u.Devices {
			devices[strings.ToLower(dev)] = u
		}
		if _, ok := d.learned[key]; ok {
			delete(d.learned, key)
			forgot = true
		}
	}
	d.file, d.devices = file, devices
	d.dirty = d.indexDevicesLocked() || d.dirty || forgot
	d.mu.Unlock()
	if err := d.saveLocked(); err != nil {
		d.log.Error("saving the users learned from the PBX after the users file took some over", "err", err)
	}
}

// Sync makes the licence engine's users and memberships those of the
// directory: users it knows and no one else, each in the groups the
// directory says and no other.
func (d *Directory) Sync(ctx context.Context) error {
	d.change.Lock()
	defer d.change.Unlock()
	return d.syncLocked(ctx)
}

func (d *Directory) syncLocked(ctx context.Context) error {
	if d.lic == nil {
		return nil
	}
	want := d.memberships()
	err := d.lic.UpdateUsers(ctx, func(e *licensing.Engine) ([]licensing.Decision, error) {
		snap := e.Snapshot()
		var out []licensing.Decision
		do := func(ds []licensing.Decision, err error) error {
			out = append(out, ds...)
			return err
		}
		// Losses first, then memberships, then users: a user added last
		// is eligible at once.
		for _, group := range slices.Sorted(maps.Keys(snap.Members)) {
			for _, name := range snap.Members[group] {
				if !slices.Contains(want[name], group) {
					if err := do(e.RemoveMember(group, name)); err != nil {
						return out, err
					}
				}
			}
		}
		for _, name := range snap.Users {
			if _, ok := want[name]; !ok {
				if err := do(e.RemoveUser(name)); err != nil {
					return out, err
				}
			}
		}
		names := slices.Sorted(maps.Keys(want))
		for _, name := range names {
			for _, group := range want[name] {
				if err := do(e.AddMember(group, name)); err != nil {
					return out, err
				}
			}
		}
		for _, name := range names {
			if err := do(e.AddUser(name)); err != nil {
				return out, err
			}
		}
		return out, nil
	})
	d.resync = err != nil
	return err
}

// memberships returns every user the directory knows with their groups.
func (d *Directory) memberships() map[string][]string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make(map[string][]string, len(d.file)+len(d.learned))
	for _, u := range d.file {
		out[u.Name] = u.Groups
	}
	for _, u := range d.learned {
		out[u.Name] = u.Groups
	}
	return out
}

// Flush saves the learned users if a change is not saved yet (a CDR that
// only made a user's latest CDR newer is saved with the next change, or
// here; a Save that failed is retried).
func (d *Directory) Flush() error {
	d.change.Lock()
	defer d.change.Unlock()
	d.dirty = d.dirty || d.stale
	return d.saveLocked()
}

// saveLocked saves the learned users if they changed since the last Save.
func (d *Directory) saveLocked() error {
	if !d.dirty || d.store == nil {
		d.dirty = false
		return nil
	}
	d.mu.RLock()
	users := slices.SortedFunc(maps.Values(d.learned), func(a, b Learned) int { return strings.Compare(a.Name, b.Name) })
	d.mu.RUnlock()
	if err := d.store.Save(users); err != nil {
		return fmt.Errorf("directory: saving the learned users: %w", err)
	}
	d.dirty, d.stale = false, false
	return nil
}

// Lookup returns the user called name (without regard to case): the users
// file's, else a learned one (with the groups of their latest CDR and the
// devices their CDRs named).
func (d *Directory) Lookup(name string) (User, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	key := strings.ToLower(name)
	if u, ok := d.file[key]; ok {
		return User{Name: u.Name, DisplayName: u.DisplayName, Groups: slices.Clone(u.Groups), Devices: slices.Clone(u.Devices)}, true
	}
	if u, ok := d.learned[key]; ok {
		return User{Name: u.Name, DisplayName: u.DisplayName, Groups: slices.Clone(u.Groups), Devices: deviceNames(u.Devices)}, true
	}
	return User{}, false
}

func deviceNames(devs []Device) []string {
	var out []string
	for _, dv := range devs {
		out = append(out, dv.Name)
	}
	return out
}

// UserByName implements cdr.Directory.
func (d *Directory) UserByName(name string) (cdr.DirectoryUser, bool) {
	u, ok := d.Lookup(name)
	return cdr.DirectoryUser{Name: u.Name, DisplayName: u.DisplayName, Devices: u.Devices}, ok
}

// UserByDevice implements cdr.Directory: the users file's user whose
// devices include device, else the learned user whose CDR named it last.
func (d *Directory) UserByDevice(device string) (cdr.DirectoryUser, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	dk := strings.ToLower(device)
	if u, ok := d.devices[dk]; ok {
		return cdr.DirectoryUser{Name: u.Name, DisplayName: u.DisplayName, Devices: slices.Clone(u.Devices)}, true
	}
	if key, ok := d.learnedDevices[dk]; ok {
		u := d.learned[key]
		return cdr.DirectoryUser{Name: u.Name, DisplayName: u.DisplayName, Devices: deviceNames(u.Devices)}, true
	}
	return cdr.DirectoryUser{}, false
}

// DisplayName returns the name to show for user name: the users file's
// display name (else the name itself), else the display name the PBX gave,
// else "".
func (d *Directory) DisplayName(name string) string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	key := strings.ToLower(name)
	if u, ok := d.file[key]; ok {
		return cmp.Or(u.DisplayName, u.Name)
	}
	return d.learned[key].DisplayName
}

// Devices returns the directory as the recordings service's
// DeviceDirectory: the owner of a recording without CDR is the user whose
// devices include its registration name.
func (d *Directory) Devices() recordings.DeviceDirectory { return deviceDirectory{d} }

type deviceDirectory struct{ d *Directory }

func (dd deviceDirectory) UserByDevice(_ context.Context, regName string) (string, bool, error) {
	u, ok := dd.d.UserByDevice(regName)
	return u.Name, ok, nil
}

// validName reports whether a user or group name from the PBX is acceptable.
func validName(s string) bool {
	return s != "" && len(s) <= MaxNameLen && utf8.ValidString(s) && strings.TrimSpace(s) == s &&
		!strings.ContainsFunc(s, unicode.IsControl)
}

// cleanDisplay returns s if it is an acceptable display name, else "".
func cleanDisplay(s string) string {
	if s = strings.TrimSpace(s); !validName(s) {
		return ""
	}
	return s
}

// countedGroups returns the valid names of groups, sorted, without
// repetition, at most MaxGroups of them.
func countedGroups(groups []string) []string {
	var out []string
	for _, g := range groups {
		if validName(g) {
			out = append(out, g)
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > MaxGroups {
		out = out[:MaxGroups]
	}
	return slices.Clip(out)
}
