package licensing

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Status is the licensing view for admins, served as JSON by the Recordings
// App (GET /api/v1/license). Lists are complete up to the limit given to
// Engine.Status; the counts are always complete.
type Status struct {
	Now  time.Time `json:"now"`
	Mode Mode      `json:"mode"`
	// Group is the recordings group name, "" in open mode.
	Group string `json:"group"`
	// GroupSince is when group mode began; zero (omitted) in open mode.
	GroupSince time.Time `json:"group_since,omitzero"`
	// Allocated is L; Claimed the number of holders.
	Allocated int `json:"allocated"`
	Claimed   int `json:"claimed"`
	// Holders in claim order.
	Holders []HolderStatus `json:"holders"`
	// Waiting: eligible users without a licence who have unlicensed
	// recordings, in the order they will get one.
	Waiting      []WaitingUser `json:"waiting"`
	WaitingCount int           `json:"waiting_count"`
	// Recordings counts the live recordings; Ownerless and UnlicensedCount
	// count those in that state.
	Recordings      int `json:"recordings"`
	Ownerless       int `json:"ownerless"`
	UnlicensedCount int `json:"unlicensed_count"`
	// Unlicensed lists unlicensed recordings, earliest created first.
	Unlicensed []UnlicensedRecording `json:"unlicensed"`
	// NextDeletions lists the recordings group mode will delete if nothing
	// changes, earliest first (empty in open mode).
	NextDeletions []Deletion `json:"next_deletions"`
}

// HolderStatus is a holder with the number of recordings it owns.
type HolderStatus struct {
	Holder
	Recordings int `json:"recordings"`
}

// WaitingUser is a user waiting for a licence.
type WaitingUser struct {
	User string `json:"user"`
	// Earliest is the creation of its earliest unlicensed recording, which
	// orders the waiting users (ties by name).
	Earliest   time.Time `json:"earliest"`
	Recordings int       `json:"recordings"`
}

// UnlicensedRecording is a recording kept closed for want of a licence.
type UnlicensedRecording struct {
	ID        string    `json:"id"`
	Owner     string    `json:"owner"`
	Created   time.Time `json:"created"`
	Protected bool      `json:"protected"`
	// DeleteAt is when group mode deletes it unless its owner gets a
	// licence first; zero (omitted) when it is kept.
	DeleteAt time.Time `json:"delete_at,omitzero"`
	// Reason says why it is unlicensed.
	Reason string `json:"reason"`
}

// Deletion is a pending group mode deletion.
type Deletion struct {
	ID    string    `json:"id"`
	Owner string    `json:"owner"`
	At    time.Time `json:"at"`
}

// Status returns the admin view, each list cut to at most limit entries
// (limit ≤ 0 means 100). It walks the unlicensed recordings, skipping the
// parts of each owner's indexes that cannot make the lists.
func (e *Engine) Status(limit int) Status {
	if limit <= 0 {
		limit = 100
	}
	s := Status{
		Now:             e.now,
		Mode:            e.Mode(),
		Group:           e.group,
		GroupSince:      e.groupSince,
		Allocated:       e.licenses,
		Claimed:         len(e.holders),
		Holders:         []HolderStatus{},
		Waiting:         []WaitingUser{},
		WaitingCount:    e.waiting.len(),
		Recordings:      len(e.recs),
		Ownerless:       e.ownerless,
		UnlicensedCount: e.unlicensed,
		Unlicensed:      []UnlicensedRecording{},
		NextDeletions:   []Deletion{},
	}
	for _, p := range e.holders[:min(limit, len(e.holders))] {
		s.Holders = append(s.Holders, HolderStatus{Holder{p.name, p.claimedAt}, p.all.len()})
	}
	waiting := slices.Clone(e.waiting.items)
	slices.SortFunc(waiting, func(a, b *person) int {
		if (byWaiting{}).less(a, b) {
			return -1
		}
		return 1
	})
	rank := make(map[*person]int, len(waiting))
	for i, p := range waiting {
		rank[p] = i + 1
		if i < limit {
			s.Waiting = append(s.Waiting, WaitingUser{p.name, p.waitKey, p.all.len()})
		}
	}

	// The first limit unlicensed recordings by creation, and the first
	// limit deletions by deadline, over the owners without a licence. A
	// heap's subtree holds nothing earlier than its root, so walks stop
	// where the root cannot make the list.
	unlic := topN[*rec]{n: limit, cmp: cmpCreated}
	dels := topN[*rec]{n: limit, cmp: func(a, b *rec) int {
		if c := e.deadline(a).Compare(e.deadline(b)); c != 0 {
			return c
		}
		if c := strings.Compare(a.owner.name, b.owner.name); c != 0 {
			return c
		}
		return cmpCreated(a, b)
	}}
	for _, p := range e.people {
		if p.holder {
			continue
		}
		walk(p.all.items, 0, func(r *rec) bool {
			if unlic.full() && cmpCreated(r, unlic.worst()) >= 0 {
				return false
			}
			unlic.add(r)
			return true
		})
		if e.group == "" {
			continue
		}
		walk(p.open.items, 0, func(r *rec) bool {
			// Deadlines grow down the heap; equal ones may still sort
			// earlier by creation.
			if dels.full() && e.deadline(r).After(e.deadline(dels.worst())) {
				return false
			}
			dels.add(r)
			return true
		})
	}
	for _, r := range unlic.sorted() {
		u := UnlicensedRecording{ID: r.id, Owner: r.owner.name, Created: r.created, Protected: r.protected}
		if e.group != "" && !r.protected {
			u.DeleteAt = e.deadline(r)
		}
		switch p := r.owner; {
		case !p.exists:
			u.Reason = "owner " + p.name + " is not a user on the PBX"
		case !e.eligible(p):
			u.Reason = "owner " + p.name + " is not a member of group " + e.group
		default:
			u.Reason = fmt.Sprintf("owner %s is waiting for a licence (position %d)", p.name, rank[p])
		}
		s.Unlicensed = append(s.Unlicensed, u)
	}
	for _, r := range dels.sorted() {
		s.NextDeletions = append(s.NextDeletions, Deletion{ID: r.id, Owner: r.owner.name, At: e.deadline(r)})
	}
	return s
}

// walk visits the binary heap h from index i in pre-order, skipping the
// subtree of every element for which visit returns false.
func walk(h []*rec, i int, visit func(*rec) bool) {
	for i < len(h) && visit(h[i]) {
		walk(h, 2*i+1, visit)
		i = 2*i + 2
	}
}

// topN keeps the n least elements seen, as a max-heap on cmp.
type topN[T any] struct {
	n     int
	cmp   func(a, b T) int
	items []T
}

func (t *topN[T]) add(x T) {
	if len(t.items) < t.n {
		t.items = append(t.items, x)
		for i := len(t.items) - 1; i > 0; {
			p := (i - 1) / 2
			if t.cmp(t.items[i], t.items[p]) <= 0 {
				break
			}
			t.items[i], t.items[p] = t.items[p], t.items[i]
			i = p
		}
		return
	}
	if t.cmp(x, t.items[0]) >= 0 {
		return
	}
	t.items[0] = x
	for i := 0; ; {
		l, c := 2*i+1, i
		if l < len(t.items) && t.cmp(t.items[l], t.items[c]) > 0 {
			c = l
		}
		if r := l + 1; r < len(t.items) && t.cmp(t.items[r], t.items[c]) > 0 {
			c = r
		}
		if c == i {
			break
		}
		t.items[i], t.items[c] = t.items[c], t.items[i]
		i = c
	}
}

func (t *topN[T]) full() bool { return len(t.items) == t.n }

// worst returns the greatest element kept; only when full.
func (t *topN[T]) worst() T { return t.items[0] }

func (t *topN[T]) sorted() []T {
	slices.SortFunc(t.items, t.cmp)
	return t.items
}
