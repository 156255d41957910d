package licensing

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// SnapshotVersion is the version of Snapshot this engine writes and reads.
const SnapshotVersion = 1

// Snapshot is what history determines and the recordings' store does not
// hold: who holds a licence since when and in which order, when users lost
// one, group mode since, the inputs last given (L, G, users, memberships)
// and the clock. The recordings service persists it as JSON after changes
// and rebuilds the engine at start with Restore and Load. It holds no
// recordings. Apart from Now, it changes only with an event that returns a
// KindClaim or KindRelease decision or that changes L, G, users or
// memberships: persisting it then is enough (it costs about 10 ms for
// 10,000 users, see docs/performance.md).
type Snapshot struct {
	Version    int       `json:"version"`
	Now        time.Time `json:"now"`
	Licenses   int       `json:"licenses"`
	Group      string    `json:"group,omitempty"`
	GroupSince time.Time `json:"group_since,omitzero"`
	// Users on the PBX, sorted.
	Users []string `json:"users,omitempty"`
	// Members per group name, each list sorted.
	Members map[string][]string `json:"members,omitempty"`
	// Holders in claim order.
	Holders []Holder `json:"holders,omitempty"`
	// LostAt is when each user last lost a licence.
	LostAt map[string]time.Time `json:"lost_at,omitempty"`
}

// Snapshot returns the engine's history; it shares nothing with the engine.
func (e *Engine) Snapshot() Snapshot {
	s := Snapshot{
		Version:    SnapshotVersion,
		Now:        e.now,
		Licenses:   e.licenses,
		Group:      e.group,
		GroupSince: e.groupSince,
		Holders:    e.Holders(),
	}
	for name, p := range e.people {
		if p.exists {
			s.Users = append(s.Users, name)
		}
		if !p.lostAt.IsZero() {
			if s.LostAt == nil {
				s.LostAt = make(map[string]time.Time)
			}
			s.LostAt[name] = p.lostAt
		}
	}
	slices.Sort(s.Users)
	for g, m := range e.members {
		if s.Members == nil {
			s.Members = make(map[string][]string)
		}
		s.Members[g] = slices.Sorted(maps.Keys(m))
	}
	return s
}

// Restore rebuilds an engine from a snapshot; then Load the recordings. A
// snapshot that no engine could have written (holders beyond L, a holder
// not eligible, a group without group_since, ...) is ErrInvalid; a version
// other than SnapshotVersion is ErrVersion.
func Restore(s Snapshot) (*Engine, error) {
	if s.Version != SnapshotVersion {
		return nil, fmt.Errorf("%w: %d (want %d)", ErrVersion, s.Version, SnapshotVersion)
	}
	bad := func(format string, args ...any) (*Engine, error) {
		return nil, fmt.Errorf("%w: snapshot: "+format, append([]any{ErrInvalid}, args...)...)
	}
	if s.Licenses < 0 {
		return bad("licence count %d", s.Licenses)
	}
	if (s.Group == "") != s.GroupSince.IsZero() {
		return bad("group %q with group_since %s", s.Group, stamp(s.GroupSince))
	}
	if len(s.Holders) > s.Licenses {
		return bad("%d holders for %d licences", len(s.Holders), s.Licenses)
	}
	e := New(s.Now)
	e.licenses = s.Licenses
	e.group = s.Group
	e.groupSince = norm(s.GroupSince)
	for _, u := range s.Users {
		if u == "" {
			return bad("empty user name")
		}
		e.person(u).exists = true
	}
	for g, us := range s.Members {
		for _, u := range us {
			if g == "" || u == "" {
				return bad("empty group or member name")
			}
			if e.members[g] == nil {
				e.members[g] = make(map[string]struct{})
			}
			e.members[g][u] = struct{}{}
		}
	}
	for u, t := range s.LostAt {
		if u == "" {
			return bad("empty user name")
		}
		e.person(u).lostAt = norm(t)
	}
	for _, h := range s.Holders {
		p := e.people[h.User]
		switch {
		case p == nil || !e.eligible(p):
			return bad("holder %q is not eligible", h.User)
		case p.holder:
			return bad("holder %q twice", h.User)
		}
		p.holder = true
		p.claimedAt = norm(h.ClaimedAt)
		e.holders = append(e.holders, p)
	}
	return e, nil
}
