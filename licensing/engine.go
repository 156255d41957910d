package licensing

import (
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"
)

// Grace is how long a recording may stay unlicensed in group mode: it is
// deleted once now ≥ start + Grace.
const Grace = 24 * time.Hour

// Engine holds the licensing state and applies the rules of the package
// documentation. Every event method applies one change at the engine's
// clock (see Advance) and returns the decisions it caused, in order; the
// returned slice belongs to the caller. On an error nothing changed.
//
// An Engine is not safe for concurrent use: callers serialise access (the
// recordings service holds it under its mutex).
type Engine struct {
	now        time.Time
	licenses   int
	group      string
	groupSince time.Time
	members    map[string]map[string]struct{} // group name → user names
	people     map[string]*person
	recs       map[string]*rec

	holders []*person // claim order
	waiting indexedHeap[*person, byWaiting]
	due     indexedHeap[*person, byDeadline] // group mode only

	ownerless  int // recordings without owner
	unlicensed int // recordings whose owner holds no licence

	cause string     // what the current event is, for reasons
	out   []Decision // decisions of the current event
}

// person is a user name that is on the PBX, owns recordings or once held a
// licence.
type person struct {
	name      string
	exists    bool // on the PBX
	holder    bool
	claimedAt time.Time
	lostAt    time.Time // when it last lost a licence; zero if never

	all  indexedHeap[*rec, byCreated] // every recording it owns
	open indexedHeap[*rec, byGrace]   // the unprotected ones

	waitKey time.Time // creation of the earliest recording
	dueKey  time.Time // max(since of the earliest unprotected, lostAt)
	waitIdx int       // in Engine.waiting, -1 when out
	dueIdx  int       // in Engine.due, -1 when out
}

// rec is a live recording.
type rec struct {
	id        string
	owner     *person // nil: ownerless
	created   time.Time
	since     time.Time // when it got its owner: max(created, owner set)
	protected bool
	allIdx    int // in owner.all
	openIdx   int // in owner.open, -1 when out
}

type byCreated struct{}

func (byCreated) less(a, b *rec) bool    { return cmpCreated(a, b) < 0 }
func (byCreated) setIndex(r *rec, i int) { r.allIdx = i }

func cmpCreated(a, b *rec) int {
	if c := a.created.Compare(b.created); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

type byGrace struct{}

func (byGrace) less(a, b *rec) bool {
	if c := a.since.Compare(b.since); c != 0 {
		return c < 0
	}
	return cmpCreated(a, b) < 0
}
func (byGrace) setIndex(r *rec, i int) { r.openIdx = i }

type byWaiting struct{}

func (byWaiting) less(a, b *person) bool {
	if c := a.waitKey.Compare(b.waitKey); c != 0 {
		return c < 0
	}
	return a.name < b.name
}
func (byWaiting) setIndex(p *person, i int) { p.waitIdx = i }

type byDeadline struct{}

func (byDeadline) less(a, b *person) bool {
	if c := a.dueKey.Compare(b.dueKey); c != 0 {
		return c < 0
	}
	return a.name < b.name
}
func (byDeadline) setIndex(p *person, i int) { p.dueIdx = i }

// New returns an empty engine in open mode with no licences, its clock at
// now.
func New(now time.Time) *Engine {
	return &Engine{
		now:     norm(now),
		members: make(map[string]map[string]struct{}),
		people:  make(map[string]*person),
		recs:    make(map[string]*rec),
	}
}

// norm drops the monotonic clock reading and the location, so that times
// compare and print alike.
func norm(t time.Time) time.Time { return t.Round(0).UTC() }

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Now returns the engine's clock.
func (e *Engine) Now() time.Time { return e.now }

// Licenses returns L, the number of licences allocated.
func (e *Engine) Licenses() int { return e.licenses }

// Group returns the recordings group name, "" in open mode.
func (e *Engine) Group() string { return e.group }

// Mode returns the licensing mode.
func (e *Engine) Mode() Mode {
	if e.group == "" {
		return ModeOpen
	}
	return ModeGroup
}

// Holds reports whether user holds a licence.
func (e *Engine) Holds(user string) bool {
	p := e.people[user]
	return p != nil && p.holder
}

// Holders returns the holders in claim order.
func (e *Engine) Holders() []Holder {
	hs := make([]Holder, len(e.holders))
	for i, p := range e.holders {
		hs[i] = Holder{User: p.name, ClaimedAt: p.claimedAt}
	}
	return hs
}

// State returns the state of a live recording; ok is false for an unknown
// or deleted one.
func (e *Engine) State(id string) (s State, ok bool) {
	r := e.recs[id]
	if r == nil {
		return "", false
	}
	return r.state(), true
}

func (r *rec) state() State {
	switch {
	case r.owner == nil:
		return Ownerless
	case r.owner.holder:
		return Accessible
	default:
		return Unlicensed
	}
}

// Recordings yields the live recordings in creation order (ties by ID). It
// sorts them all, so it is meant for tools and tests, not for every event.
// The engine must not change during the iteration.
func (e *Engine) Recordings() iter.Seq[Recording] {
	return func(yield func(Recording) bool) {
		rs := make([]*rec, 0, len(e.recs))
		for _, r := range e.recs {
			rs = append(rs, r)
		}
		slices.SortFunc(rs, cmpCreated)
		for _, r := range rs {
			if !yield(r.public()) {
				return
			}
		}
	}
}

func (r *rec) public() Recording {
	x := Recording{ID: r.id, Created: r.created, Protected: r.protected}
	if r.owner != nil {
		x.Owner = r.owner.name
		if r.since.After(r.created) {
			x.Owned = r.since
		}
	}
	return x
}

// begin starts an event; end returns its decisions.
func (e *Engine) begin(cause string) {
	e.cause = cause
	e.out = nil
}

func (e *Engine) end() []Decision {
	out := e.out
	e.out, e.cause = nil, ""
	return out
}

func (e *Engine) emit(d Decision) {
	d.At = e.now
	e.out = append(e.out, d)
}

func (e *Engine) person(name string) *person {
	p := e.people[name]
	if p == nil {
		p = &person{name: name, waitIdx: -1, dueIdx: -1}
		e.people[name] = p
	}
	return p
}

func (e *Engine) isMember(group, user string) bool {
	_, ok := e.members[group][user]
	return ok
}

// eligible: on the PBX and (open mode, or member of the group).
func (e *Engine) eligible(p *person) bool {
	return p.exists && (e.group == "" || e.isMember(e.group, p.name))
}

// fix brings p's entries in the waiting and deadline indexes up to date
// after anything about p changed.
func (e *Engine) fix(p *person) {
	if p.all.len() > 0 {
		p.waitKey = p.all.min().created
	}
	update(&e.waiting, p, p.waitIdx, !p.holder && p.all.len() > 0 && e.eligible(p))
	wantDue := e.group != "" && !p.holder && p.open.len() > 0
	if wantDue {
		p.dueKey = later(p.open.min().since, p.lostAt)
	}
	update(&e.due, p, p.dueIdx, wantDue)
}

func update[O heapOrder[*person]](h *indexedHeap[*person, O], p *person, idx int, want bool) {
	switch {
	case want && idx < 0:
		h.push(p)
	case want:
		h.fix(idx)
	case idx >= 0:
		h.remove(idx)
	}
}

// deadline is when an unprotected recording of a non-holder is due for
// deletion in group mode.
func (e *Engine) deadline(r *rec) time.Time {
	return later(later(r.since, r.owner.lostAt), e.groupSince).Add(Grace)
}

// settle applies the claim rule: holders beyond L lose their licence, last
// claimed first; then free licences go to the waiting users in order.
func (e *Engine) settle() {
	for len(e.holders) > e.licenses {
		p := e.holders[len(e.holders)-1]
		e.holders[len(e.holders)-1] = nil
		e.holders = e.holders[:len(e.holders)-1]
		e.release(p, fmt.Sprintf("%s: more holders than licences, and %s claimed last (%s)",
			e.cause, p.name, stamp(p.claimedAt)))
	}
	for len(e.holders) < e.licenses && e.waiting.len() > 0 {
		e.claim(e.waiting.min())
	}
}

// release takes p's licence; the caller has taken p out of e.holders.
func (e *Engine) release(p *person, why string) {
	p.holder = false
	p.lostAt = e.now
	e.unlicensed += p.all.len()
	e.fix(p)
	e.emit(Decision{Kind: KindRelease, User: p.name, Reason: why})
	if p.all.len() == 0 {
		return
	}
	lost := fmt.Sprintf("owner %s lost the licence (%s)", p.name, why)
	var kept, grace string
	if e.group == "" {
		kept = lost + "; kept, and accessible again once " + p.name + " gets a licence"
	} else {
		kept = lost + "; protected, so kept"
		grace = fmt.Sprintf("%s; deleted at %s unless %s gets a licence first",
			lost, stamp(later(e.now, e.groupSince).Add(Grace)), p.name)
	}
	for _, r := range sortedRecs(p) {
		reason := kept
		if e.group != "" && !r.protected {
			reason = grace
			if d := e.deadline(r); !d.Equal(later(e.now, e.groupSince).Add(Grace)) {
				reason = fmt.Sprintf("%s; deleted at %s unless %s gets a licence first", lost, stamp(d), p.name)
			}
		}
		e.emit(Decision{Kind: KindState, User: p.name, Recording: r.id, State: Unlicensed, Reason: reason})
	}
}

// claim gives p a licence.
func (e *Engine) claim(p *person) {
	earliest := p.waitKey
	p.holder = true
	p.claimedAt = e.now
	e.holders = append(e.holders, p)
	e.unlicensed -= p.all.len()
	e.fix(p)
	e.emit(Decision{Kind: KindClaim, User: p.name, Reason: fmt.Sprintf(
		"%s: a free licence went to %s, first waiting (earliest unlicensed recording created %s); %d of %d in use",
		e.cause, p.name, stamp(earliest), len(e.holders), e.licenses)})
	reason := fmt.Sprintf("owner %s claimed a licence (%s)", p.name, e.cause)
	for _, r := range sortedRecs(p) {
		e.emit(Decision{Kind: KindState, User: p.name, Recording: r.id, State: Accessible, Reason: reason})
	}
}

// sortedRecs returns p's recordings in creation order.
func sortedRecs(p *person) []*rec {
	rs := slices.Clone(p.all.items)
	slices.SortFunc(rs, cmpCreated)
	return rs
}

func stamp(t time.Time) string { return t.Format(time.RFC3339) }

func (e *Engine) removeHolder(p *person) {
	i := slices.Index(e.holders, p)
	e.holders = slices.Delete(e.holders, i, i+1)
}

// Advance moves the clock to now and deletes the recordings whose group mode
// grace has expired (KindDelete decisions, earliest deadline first). It is
// how time passes: call it before each event with the current time, and
// periodically (with the retention sweeper). now before the engine's clock
// is ErrClockBackwards; callers whose wall clock may step back pass the
// later of the two.
func (e *Engine) Advance(now time.Time) ([]Decision, error) {
	now = norm(now)
	if now.Before(e.now) {
		return nil, fmt.Errorf("%w: %s is before %s", ErrClockBackwards, stamp(now), stamp(e.now))
	}
	e.now = now
	e.begin("time passed")
	for e.group != "" && e.due.len() > 0 {
		p := e.due.min()
		r := p.open.min()
		d := e.deadline(r)
		if d.After(now) {
			break
		}
		start := d.Add(-Grace)
		e.emit(Decision{Kind: KindDelete, User: p.name, Recording: r.id, State: Deleted, Reason: fmt.Sprintf(
			"unlicensed in group mode since %s and %s holds no licence: deleted once 24 h passed (%s)",
			stamp(start), p.name, stamp(d))})
		e.drop(r)
	}
	return e.end(), nil
}

// SetLicenses sets L, the number of licences allocated (n ≥ 0).
func (e *Engine) SetLicenses(n int) ([]Decision, error) {
	if n < 0 {
		return nil, fmt.Errorf("%w: licence count %d", ErrInvalid, n)
	}
	e.begin(fmt.Sprintf("licences set to %d", n))
	e.licenses = n
	e.settle()
	return e.end(), nil
}

// AddUser adds a user to the PBX. Adding one that exists changes nothing. A
// user removed and added again is the same user (its recordings are its
// own again) and starts without a licence.
func (e *Engine) AddUser(name string) ([]Decision, error) {
	if name == "" {
		return nil, fmt.Errorf("%w: empty user name", ErrInvalid)
	}
	e.begin("user " + name + " added")
	p := e.person(name)
	if !p.exists {
		p.exists = true
		e.fix(p)
		e.settle()
	}
	return e.end(), nil
}

// RemoveUser removes a user from the PBX: a holder loses its licence at
// once; its recordings stay, unlicensed. Removing an unknown user changes
// nothing. Group memberships are kept with the group names.
func (e *Engine) RemoveUser(name string) ([]Decision, error) {
	if name == "" {
		return nil, fmt.Errorf("%w: empty user name", ErrInvalid)
	}
	e.begin("user " + name + " removed from the PBX")
	if p := e.people[name]; p != nil && p.exists {
		p.exists = false
		e.ineligible(p)
	}
	return e.end(), nil
}

// ineligible applies p no longer being eligible: a holder loses the
// licence at once, and free licences go to the users waiting.
func (e *Engine) ineligible(p *person) {
	if p.holder {
		e.removeHolder(p)
		e.release(p, e.cause+": a holder who is no longer eligible loses the licence at once")
	}
	e.fix(p)
	e.settle()
}

// SetGroup sets the recordings group name: "" is open mode, any other name
// group mode. Group mode since is the moment the name went from empty to
// set; renaming keeps it. Holders who are not members of the new group lose
// their licence at once; pending deletions are cancelled in open mode.
func (e *Engine) SetGroup(name string) ([]Decision, error) {
	if name == e.group {
		e.begin("")
		return e.end(), nil
	}
	switch {
	case name == "":
		e.begin("recordings group " + e.group + " cleared (open mode)")
		e.groupSince = time.Time{}
	case e.group == "":
		e.begin("recordings group set to " + name + " (group mode)")
		e.groupSince = e.now
	default:
		e.begin("recordings group renamed from " + e.group + " to " + name)
	}
	e.group = name
	kept := e.holders[:0]
	var lost []*person
	for _, p := range e.holders {
		if e.eligible(p) {
			kept = append(kept, p)
		} else {
			lost = append(lost, p)
		}
	}
	clear(e.holders[len(kept):])
	e.holders = kept
	for _, p := range lost {
		e.release(p, fmt.Sprintf("%s: %s is not a member of group %s", e.cause, p.name, name))
	}
	// Eligibility and deadlines changed for everyone: rebuild the indexes.
	e.waiting.clear()
	e.due.clear()
	for _, p := range e.people {
		e.fix(p)
	}
	e.settle()
	return e.end(), nil
}

// AddMember makes user a member of group (any group name, current or not).
func (e *Engine) AddMember(group, user string) ([]Decision, error) {
	if group == "" || user == "" {
		return nil, fmt.Errorf("%w: empty group or user name", ErrInvalid)
	}
	e.begin(user + " added to group " + group)
	m := e.members[group]
	if m == nil {
		m = make(map[string]struct{})
		e.members[group] = m
	}
	if _, ok := m[user]; !ok {
		m[user] = struct{}{}
		if group == e.group {
			if p := e.people[user]; p != nil {
				e.fix(p)
			}
			e.settle()
		}
	}
	return e.end(), nil
}

// RemoveMember ends user's membership of group; if group is the current
// one, a holder loses its licence at once.
func (e *Engine) RemoveMember(group, user string) ([]Decision, error) {
	if group == "" || user == "" {
		return nil, fmt.Errorf("%w: empty group or user name", ErrInvalid)
	}
	e.begin(user + " removed from group " + group)
	if _, ok := e.members[group][user]; ok {
		delete(e.members[group], user)
		if len(e.members[group]) == 0 {
			delete(e.members, group)
		}
		if p := e.people[user]; group == e.group && p != nil {
			e.ineligible(p)
		}
	}
	return e.end(), nil
}

// AddRecording adds a recording created at r.Created (its upload
// completion) owned by r.Owner ("" for none), and applies the claim rule.
// r.Owned is ignored: an owner given here counts from r.Created. The
// decisions include one KindState for the new recording.
func (e *Engine) AddRecording(r Recording) ([]Decision, error) {
	if r.ID == "" {
		return nil, fmt.Errorf("%w: empty recording ID", ErrInvalid)
	}
	if e.recs[r.ID] != nil {
		return nil, fmt.Errorf("%w: %q", ErrDuplicate, r.ID)
	}
	e.begin("recording " + r.ID + " created")
	x := &rec{id: r.ID, created: norm(r.Created), protected: r.Protected, openIdx: -1}
	x.since = x.created
	e.insert(x, r.Owner)
	e.settle()
	e.announce(x)
	return e.end(), nil
}

// SetOwner sets or changes the owner of a recording ("" for none), as CDR
// correlation finds it after creation; the decisions include one KindState
// for the recording when the owner changed. The recording needed no licence
// while ownerless; its creation time for the waiting order stays
// Recording.Created, and its group mode grace counts from now at the
// earliest.
func (e *Engine) SetOwner(id, owner string) ([]Decision, error) {
	x := e.recs[id]
	if x == nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknown, id)
	}
	e.begin("owner of recording " + id + " set")
	if x.owner != nil && x.owner.name == owner || x.owner == nil && owner == "" {
		return e.end(), nil
	}
	e.drop(x)
	x.since = later(x.created, e.now)
	e.insert(x, owner)
	e.settle()
	e.announce(x)
	return e.end(), nil
}

// announce emits the state of x unless a claim already did.
func (e *Engine) announce(x *rec) {
	for _, d := range e.out {
		if d.Recording == x.id {
			return
		}
	}
	d := Decision{Kind: KindState, Recording: x.id, State: x.state()}
	switch d.State {
	case Ownerless:
		d.Reason = "no owner: needs no licence, visible to admins only, never deleted by licensing"
	case Accessible:
		d.User = x.owner.name
		d.Reason = "owner " + x.owner.name + " holds a licence"
	case Unlicensed:
		p := x.owner
		d.User = p.name
		switch {
		case !p.exists:
			d.Reason = "owner " + p.name + " is not a user on the PBX"
		case !e.eligible(p):
			d.Reason = "owner " + p.name + " is not a member of group " + e.group
		default:
			d.Reason = fmt.Sprintf("owner %s holds no licence and none is free (%d of %d in use)",
				p.name, len(e.holders), e.licenses)
		}
		switch {
		case e.group == "":
			d.Reason += "; kept until " + p.name + " gets a licence"
		case x.protected:
			d.Reason += "; protected, so kept"
		default:
			d.Reason += fmt.Sprintf("; deleted at %s unless %s gets a licence first",
				stamp(e.deadline(x)), p.name)
		}
	}
	e.emit(d)
}

// insert indexes x under owner.
func (e *Engine) insert(x *rec, owner string) {
	e.recs[x.id] = x
	if owner == "" {
		x.owner = nil
		e.ownerless++
		return
	}
	p := e.person(owner)
	x.owner = p
	p.all.push(x)
	if !x.protected {
		p.open.push(x)
	}
	if !p.holder {
		e.unlicensed++
	}
	e.fix(p)
}

// drop removes x from every index.
func (e *Engine) drop(x *rec) {
	delete(e.recs, x.id)
	p := x.owner
	if p == nil {
		e.ownerless--
		return
	}
	p.all.remove(x.allIdx)
	if x.openIdx >= 0 {
		p.open.remove(x.openIdx)
	}
	if !p.holder {
		e.unlicensed--
	}
	e.fix(p)
}

// DeleteRecording forgets a recording deleted by a user or by retention. A
// holder keeps its licence even with no recording left, so this causes no
// decision. A protected recording cannot be deleted (ErrProtected).
func (e *Engine) DeleteRecording(id string) ([]Decision, error) {
	x := e.recs[id]
	if x == nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknown, id)
	}
	if x.protected {
		return nil, fmt.Errorf("%w: %q", ErrProtected, id)
	}
	e.begin("recording " + id + " deleted")
	e.drop(x)
	e.settle()
	return e.end(), nil
}

// SetProtected protects or unprotects a recording. A protected recording is
// never deleted; it keeps its state (an unlicensed one stays closed). An
// unprotected one that is overdue is deleted at the next Advance.
func (e *Engine) SetProtected(id string, protected bool) ([]Decision, error) {
	x := e.recs[id]
	if x == nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknown, id)
	}
	e.begin("")
	if x.protected != protected {
		x.protected = protected
		if p := x.owner; p != nil {
			if protected {
				p.open.remove(x.openIdx)
			} else {
				p.open.push(x)
			}
			e.fix(p)
		}
	}
	return e.end(), nil
}

// Load adds recordings in bulk, as the recordings service re-feeds its store
// at start after Restore: no decision per recording, then the claim rule
// once (whose decisions, if any, are real: the snapshot was older than the
// store). Recordings already due for deletion go at the next Advance. On an
// error, recordings before the failing one stay loaded and the rule is not
// applied; discard the engine.
func (e *Engine) Load(recs iter.Seq[Recording]) ([]Decision, error) {
	for r := range recs {
		if r.ID == "" {
			return nil, fmt.Errorf("%w: empty recording ID", ErrInvalid)
		}
		if e.recs[r.ID] != nil {
			return nil, fmt.Errorf("%w: %q", ErrDuplicate, r.ID)
		}
		x := &rec{id: r.ID, created: norm(r.Created), protected: r.Protected, openIdx: -1}
		x.since = later(x.created, norm(r.Owned))
		e.insert(x, r.Owner)
	}
	e.begin("recordings loaded")
	e.settle()
	return e.end(), nil
}
