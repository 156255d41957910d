package directory

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/f0fce437/callrec/cdr"
	"github.com/f0fce437/callrec/licensing"
)

// Remember registers a user the PBX vouched for in an innovaphone AppLogin,
// with the display name it gave: a user of the users file is left alone, a
// known one takes the display name, a new one becomes known (to the
// licence engine too, without groups). It is saved before Remember returns;
// if saving fails, nothing changed and the error says why.
func (d *Directory) Remember(ctx context.Context, name, display string) error {
	if !validName(name) {
		return fmt.Errorf("%w: %q", ErrInvalidName, name)
	}
	display = cleanDisplay(display)
	d.change.Lock()
	key := strings.ToLower(name)
	d.mu.Lock()
	_, inFile := d.file[key]
	old, known := d.learned[key]
	if inFile || (known && old.DisplayName == display) {
		d.mu.Unlock()
		d.change.Unlock()
		return nil
	}
	if !known && len(d.learned) >= MaxLearned {
		d.mu.Unlock()
		d.change.Unlock()
		return fmt.Errorf("directory: more than %d users known from the PBX", MaxLearned)
	}
	u := old
	if !known {
		u = Learned{Name: name}
	}
	u.DisplayName = display
	d.learned[key] = u
	d.mu.Unlock()
	d.dirty = true
	if err := d.saveLocked(); err != nil {
		d.mu.Lock()
		if known {
			d.learned[key] = old
		} else {
			delete(d.learned, key)
		}
		d.mu.Unlock()
		d.change.Unlock()
		return err
	}
	var err error
	if !known {
		err = d.applyLocked(ctx, []delta{{name: u.Name, isNew: true}})
	}
	d.change.Unlock()
	if err == nil && !known && d.added != nil {
		d.added([]string{u.Name})
	}
	return err
}

// delta is one learned user's change, as the licence engine must see it.
type delta struct {
	name           string
	isNew          bool
	joined, parted []string // groups
	newDevice      bool     // a device is the user's now (nothing for the engine)
}

// forEngine reports whether dl changes what the licence engine knows.
func (dl delta) forEngine() bool { return dl.isNew || len(dl.joined) > 0 || len(dl.parted) > 0 }

// CDRsAdded implements cdr.Observer: the CDR of a user object makes that
// user known, with the memberships its <grp> children list, unless a later
// CDR of the user was seen already (see the package doc). It never fails:
// what it cannot do is logged, and a change it could not save is saved with
// the next one (or by Flush).
func (d *Directory) CDRsAdded(ctx context.Context, added []cdr.Entry) {
	if !slices.ContainsFunc(added, func(e cdr.Entry) bool { return isUserObject(&e.CDR) }) {
		return
	}
	pbx := ""
	if d.pbxName != nil {
		var err error
		if pbx, err = d.pbxName(ctx); err != nil {
			d.log.Error("reading the PBX name; not learning users from these CDRs", "cdrs", len(added), "err", err)
			return
		}
	}
	d.change.Lock()
	var deltas []delta
	d.mu.Lock()
	for i := range added {
		c := &added[i].CDR
		if !isUserObject(c) {
			continue
		}
		if pbx != "" && !strings.EqualFold(c.PBX, pbx) {
			continue
		}
		if !validName(c.H323) {
			d.log.Warn("a CDR names a user whose name is not acceptable; ignored", "key", c.Key, "name", c.H323)
			continue
		}
		if dl, ok := d.learnLocked(c); ok {
			deltas = append(deltas, dl)
		}
	}
	d.mu.Unlock()
	if err := d.saveLocked(); err != nil {
		d.log.Error("saving the users learned from CDRs; kept in memory, saved with the next change", "err", err)
	}
	if err := d.applyLocked(ctx, deltas); err != nil {
		d.log.Error("feeding the users learned from CDRs to the licence engine; sent again with the next change", "err", err)
	}
	d.change.Unlock()
	var fresh []string
	for _, dl := range deltas {
		if (dl.isNew || dl.newDevice) && !slices.Contains(fresh, dl.name) {
			fresh = append(fresh, dl.name)
		}
	}
	if len(fresh) > 0 && d.added != nil {
		d.added(fresh)
	}
}

// isUserObject reports whether c is the CDR of a user object naming it.
func isUserObject(c *cdr.CDR) bool {
	return c.User != nil && c.User.Pseudo == "" && c.H323 != ""
}

// learnLocked applies the CDR of user object c (h323 valid) and returns the
// change it made to the user's existence, memberships or devices, if any.
func (d *Directory) learnLocked(c *cdr.CDR) (delta, bool) {
	key := strings.ToLower(c.H323)
	if _, inFile := d.file[key]; inFile {
		return delta{}, false // the users file decides
	}
	old, known := d.learned[key]
	stamp := Stamp{UTC: c.UTC, Arrival: d.arrivals + 1}
	if known && !old.CDR.IsZero() && stamp.Compare(old.CDR) < 0 {
		d.log.Debug("an older CDR of a user arrived late; its groups are not used", "key", c.Key, "user", old.Name)
		return delta{}, false
	}
	if !known && len(d.learned) >= MaxLearned {
		d.log.Warn("more users named by the PBX than the directory keeps; ignored", "name", c.H323, "max", MaxLearned)
		return delta{}, false
	}
	d.arrivals++
	// Sorted in a scratch slice: in the steady state the groups are those
	// kept already, and nothing is allocated.
	d.scratch = d.scratch[:0]
	for _, g := range c.User.Groups {
		if counts(g) && validName(g.Name) {
			d.scratch = append(d.scratch, g.Name)
		}
	}
	slices.Sort(d.scratch)
	d.scratch = slices.Compact(d.scratch)
	d.scratch = d.scratch[:min(len(d.scratch), MaxGroups)]
	groups := old.Groups
	if !slices.Equal(d.scratch, old.Groups) {
		groups = nil
		if len(d.scratch) > 0 {
			groups = slices.Clone(d.scratch)
		}
	}
	u := old
	if !known {
		u = Learned{Name: c.H323}
	}
	if dn := cleanDisplay(c.CN); dn != "" {
		u.DisplayName = dn
	}
	u.Groups, u.CDR = groups, stamp
	newDevice := d.learnDeviceLocked(key, &u, c.Device, stamp)
	d.learned[key] = u
	// A newer stamp alone is saved lazily: losing it to a crash only lets
	// a late CDR older than the latest one count, not lose anything.
	dl := delta{name: u.Name, isNew: !known, newDevice: newDevice}
	for _, g := range u.Groups {
		if !slices.Contains(old.Groups, g) {
			dl.joined = append(dl.joined, g)
		}
	}
	for _, g := range old.Groups {
		if !slices.Contains(u.Groups, g) {
			dl.parted = append(dl.parted, g)
		}
	}
	if dl.forEngine() || dl.newDevice || u.DisplayName != old.DisplayName {
		d.dirty = true
		d.log.Info("user learned from a CDR", "user", u.Name, "new", dl.isNew, "groups", u.Groups, "joined", dl.joined, "left", dl.parted,
			"devices", len(u.Devices))
	} else {
		d.stale = true
	}
	return dl, dl.forEngine() || dl.newDevice
}

// learnDeviceLocked makes device, named by the CDR (stamp) of learned user
// u (key: u's lower-case name), one of u's, unless it is empty or not
// acceptable, the users file lists it (the file decides), or another
// user's CDR naming it is newer. A device another user had moves to u. It
// reports whether u gained the device; a newer stamp alone is saved
// lazily, as the user's is.
func (d *Directory) learnDeviceLocked(key string, u *Learned, device string, stamp Stamp) bool {
	if device == "" {
		return false
	}
	if !validName(device) {
		d.log.Warn("a CDR names a device whose name is not acceptable; ignored", "user", u.Name, "device", device)
		return false
	}
	dk := strings.ToLower(device)
	if _, inFile := d.devices[dk]; inFile {
		return false
	}
	owner, known := d.learnedDevices[dk]
	if known && owner == key {
		if i := slices.IndexFunc(u.Devices, func(dv Device) bool { return strings.EqualFold(dv.Name, device) }); i >= 0 {
			u.Devices[i].CDR = stamp // in place: the steady state allocates nothing
		}
		return false
	}
	if known {
		other := d.learned[owner]
		i := slices.IndexFunc(other.Devices, func(dv Device) bool { return strings.EqualFold(dv.Name, device) })
		if i >= 0 && other.Devices[i].CDR.Compare(stamp) > 0 {
			return false // a newer CDR of the other user named it
		}
		if i >= 0 {
			other.Devices = slices.Delete(slices.Clone(other.Devices), i, i+1)
			d.learned[owner] = other
		}
		d.log.Info("a device moved to another user", "device", device, "from", other.Name, "to", u.Name)
	} else if len(d.learnedDevices) >= MaxLearned {
		d.log.Warn("more devices named by the PBX than the directory keeps; ignored", "device", device, "max", MaxLearned)
		return false
	}
	d.learnedDevices[dk] = key
	u.Devices = d.boundDevicesLocked(append(slices.Clone(u.Devices), Device{Name: device, CDR: stamp}))
	return true
}

// counts reports whether a <grp> of a user CDR is a membership that counts
// now: not a dynamic one logged out, not one whose mode is other than
// active (see the package doc).
func counts(g cdr.Group) bool {
	if strings.EqualFold(g.Dyn, "out") {
		return false
	}
	return g.Mode == "" || strings.EqualFold(g.Mode, "active")
}

// applyLocked sends deltas to the licence engine, or everything when an
// earlier update failed.
func (d *Directory) applyLocked(ctx context.Context, deltas []delta) error {
	if d.lic == nil || (!slices.ContainsFunc(deltas, delta.forEngine) && !d.resync) {
		return nil
	}
	if d.resync {
		return d.syncLocked(ctx)
	}
	err := d.lic.UpdateUsers(ctx, func(e *licensing.Engine) ([]licensing.Decision, error) {
		var out []licensing.Decision
		do := func(ds []licensing.Decision, err error) error {
			out = append(out, ds...)
			return err
		}
		for _, dl := range deltas {
			for _, g := range dl.parted {
				if err := do(e.RemoveMember(g, dl.name)); err != nil {
					return out, err
				}
			}
			for _, g := range dl.joined {
				if err := do(e.AddMember(g, dl.name)); err != nil {
					return out, err
				}
			}
			if dl.isNew {
				if err := do(e.AddUser(dl.name)); err != nil {
					return out, err
				}
			}
		}
		return out, nil
	})
	d.resync = err != nil
	return err
}
