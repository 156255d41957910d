package licensing_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/licensing"
	"github.com/f0fce437/callrec/licensing/scenario"
)

// model is a literal, rescanning reading of the rules in the package
// documentation. It tracks when each recording last became unlicensed as
// it happens, instead of the engine's per-user shortcut, and the checker
// compares the two after every command.
type model struct {
	now        time.Time
	licenses   int
	group      string
	groupSince time.Time
	users      map[string]bool
	members    map[string]map[string]bool
	holders    []licensing.Holder
	recs       []*mrec // creation order
	byID       map[string]*mrec
}

type mrec struct {
	id, owner string
	created   time.Time
	since     time.Time // when it last became unlicensed
	protected bool
	deleted   bool
}

func newModel() *model {
	return &model{
		now:     time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		users:   map[string]bool{},
		members: map[string]map[string]bool{},
		byID:    map[string]*mrec{},
	}
}

func (m *model) holds(u string) bool {
	return slices.IndexFunc(m.holders, func(h licensing.Holder) bool { return h.User == u }) >= 0
}

func (m *model) eligible(u string) bool {
	return m.users[u] && (m.group == "" || m.members[m.group][u])
}

func (m *model) state(r *mrec) licensing.State {
	switch {
	case r.deleted:
		return licensing.Deleted
	case r.owner == "":
		return licensing.Ownerless
	case m.holds(r.owner):
		return licensing.Accessible
	default:
		return licensing.Unlicensed
	}
}

func (m *model) deadline(r *mrec) time.Time {
	s := r.since
	if m.groupSince.After(s) {
		s = m.groupSince
	}
	return s.Add(24 * time.Hour)
}

// settle applies the holder rules by rescanning everything.
func (m *model) settle() {
	m.holders = slices.DeleteFunc(m.holders, func(h licensing.Holder) bool { return !m.eligible(h.User) })
	if len(m.holders) > m.licenses {
		m.holders = m.holders[:m.licenses]
	}
	for len(m.holders) < m.licenses {
		best, bestAt := "", time.Time{}
		for _, r := range m.recs {
			if r.deleted || r.owner == "" || m.holds(r.owner) || !m.eligible(r.owner) {
				continue
			}
			if best == "" || r.created.Before(bestAt) || r.created.Equal(bestAt) && r.owner < best {
				best, bestAt = r.owner, r.created
			}
		}
		if best == "" {
			return
		}
		m.holders = append(m.holders, licensing.Holder{User: best, ClaimedAt: m.now})
	}
}

// apply executes one command and returns the IDs it deleted by grace.
func (m *model) apply(c scenario.Command) []string {
	before := map[*mrec]licensing.State{}
	for _, r := range m.recs {
		before[r] = m.state(r)
	}
	var deleted []string
	a := c.Args
	switch c.Op {
	case "licenses":
		m.licenses, _ = strconv.Atoi(a[0])
	case "user":
		m.users[a[0]] = true
	case "deluser":
		delete(m.users, a[0])
	case "group":
		g := a[0]
		if g == "-" {
			g = ""
		}
		switch {
		case g == "":
			m.groupSince = time.Time{}
		case m.group == "":
			m.groupSince = m.now
		}
		m.group = g
	case "member":
		if m.members[m.group] == nil {
			m.members[m.group] = map[string]bool{}
		}
		m.members[m.group][a[0]] = true
	case "unmember":
		delete(m.members[m.group], a[0])
	case "at", "advance":
		if c.Op == "at" {
			m.now, _ = time.Parse(time.RFC3339, a[0])
			m.now = m.now.UTC()
		} else {
			d, _ := time.ParseDuration(a[0])
			m.now = m.now.Add(d)
		}
		for _, r := range m.recs {
			if m.group != "" && !r.protected && m.state(r) == licensing.Unlicensed && !m.now.Before(m.deadline(r)) {
				r.deleted = true
				deleted = append(deleted, r.id)
			}
		}
	case "record":
		r := &mrec{id: a[0], owner: noDash(a[1]), created: m.now}
		m.recs = append(m.recs, r)
		m.byID[r.id] = r
	case "owner":
		r := m.byID[a[0]]
		if o := noDash(a[1]); o != r.owner {
			r.owner = o
			before[r] = "" // a new owner: unlicensed from now if it is
		}
	case "delete":
		m.byID[a[0]].deleted = true
	case "protect", "unprotect":
		m.byID[a[0]].protected = c.Op == "protect"
	}
	m.settle()
	for _, r := range m.recs {
		if s := m.state(r); s == licensing.Unlicensed && before[r] != licensing.Unlicensed {
			r.since = m.now
		}
	}
	return deleted
}

// checker follows a scenario run with the model and checks, after every
// command, that the engine agrees with it and keeps the invariants.
type checker struct {
	t     testing.TB
	m     *model
	steps int
}

func newChecker(t testing.TB) *checker { return &checker{t: t, m: newModel()} }

func (k *checker) observe(s scenario.Step) {
	t, m, e := k.t, k.m, s.Engine
	k.steps++
	where := s.Command.String() + " (line " + strconv.Itoa(s.Command.Line) + ")"
	before := map[string]licensing.State{}
	for _, r := range m.recs {
		before[r.id] = m.state(r)
	}
	groupBefore := m.group
	deleted := m.apply(s.Command)

	// Deletions: exactly the model's, only in group mode, never protected,
	// never before 24 h of continuous unlicensed group mode.
	var got []string
	last := map[string]licensing.Decision{}
	for _, d := range s.Decisions {
		if d.Recording != "" {
			last[d.Recording] = d
		}
		if d.Kind != licensing.KindDelete {
			continue
		}
		got = append(got, d.Recording)
		r := m.byID[d.Recording]
		require.NotNil(t, r, where)
		assert.NotEmpty(t, groupBefore, "deleted in open mode: %s", where)
		assert.False(t, r.protected, "protected %s deleted: %s", r.id, where)
		assert.False(t, m.now.Before(m.deadline(r)), "%s deleted before its 24 h: %s", r.id, where)
	}
	slices.Sort(got)
	slices.Sort(deleted)
	require.Equal(t, deleted, got, "deletions after %s", where)

	// Holders: same users, order and claim times; never more than L.
	require.Equal(t, nilIfEmpty(m.holders), nilIfEmpty(e.Holders()), "holders after %s", where)
	require.LessOrEqual(t, len(e.Holders()), e.Licenses(), where)

	// Every recording in the model's state; every change announced.
	counts := map[licensing.State]int{}
	for _, r := range m.recs {
		want := m.state(r)
		counts[want]++
		if got, ok := e.State(r.id); r.deleted {
			require.False(t, ok, "%s deleted but known after %s", r.id, where)
		} else {
			require.Equal(t, want, got, "%s after %s", r.id, where)
			if got == licensing.Accessible {
				require.True(t, e.Holds(r.owner), "accessible %s of non-holder after %s", r.id, where)
			}
		}
		if d, ok := last[r.id]; ok {
			require.Equal(t, want, d.State, "last decision on %s after %s", r.id, where)
			require.NotEmpty(t, d.Reason, where)
		} else if s.Command.Op != "record" && s.Command.String() != "delete "+r.id {
			require.Equal(t, before[r.id], want, "%s changed without decision after %s", r.id, where)
		}
	}
	st := e.Status(1000)
	require.Equal(t, counts[licensing.Unlicensed], st.UnlicensedCount, where)
	require.Equal(t, counts[licensing.Ownerless], st.Ownerless, where)
	require.Equal(t, counts[licensing.Ownerless]+counts[licensing.Unlicensed]+counts[licensing.Accessible], st.Recordings, where)
	if m.group == "" {
		require.Empty(t, st.NextDeletions, where)
	}
	for _, d := range st.NextDeletions {
		require.Equal(t, m.deadline(m.byID[d.ID]), d.At, "deadline of %s after %s", d.ID, where)
	}
}

// noDash reads an OWNER argument: "-" is none.
func noDash(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}
