package cdr

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Recording holds the facts of a recording that correlation needs, all from
// its file name <conf>-<mac>-<serial>[-<reg-name>].
type Recording struct {
	Conf    string // conference GUID of the call (hex)
	MAC     string // MAC address of the recording device (hex)
	RegName string // registration name; empty when the name had none
}

// Policy holds the settings correlation depends on. The zero value uses CDRs
// of any PBX and no directory.
type Policy struct {
	// PBXName, once configured, restricts ownership to CDRs whose pbx
	// attribute equals it (without regard to case); CDRs of other PBXs are
	// reported in CallInfo.Foreign.
	PBXName string
	// Directory resolves owners to user names. Nil means plain library use:
	// the owner is the CDR's h323 name.
	Directory Directory
}

// State says whether CDRs are attached to a recording.
//
// Correlation knows nothing of time: how long a recording waits for its
// CDRs, and who owns it when none came (NoCDR), is decided in one place, by
// the recordings service (recordings.Config.CDRWait, SweepCallInfo), which
// asks again whenever CDRs of the conference arrive.
type State string

// The states of a recording's call information.
const (
	// StatePending: no usable CDR shares the recording's conference (yet).
	StatePending State = "pending"
	// StateAttached: at least one usable CDR shares the recording's
	// conference.
	StateAttached State = "attached"
)

// Direction of a call from the owner's point of view.
type Direction string

// The directions of a call.
const (
	DirectionIn       Direction = "in"       // reached the owner from outside the PBX (or over a trunk)
	DirectionOut      Direction = "out"      // placed by the owner to outside the PBX (or over a trunk)
	DirectionInternal Direction = "internal" // between objects of the PBX only
)

// How an owner was found (CallInfo.OwnerRule), for the CallInfo trace.
const (
	RuleUser          = "user"              // the user CDR of the recording device
	RuleTrunkOutgoing = "trunk-outgoing"    // recorded on a trunk: the user who initiated the call
	RuleTrunkIncoming = "trunk-incoming"    // recorded on a trunk: the first user who answered
	RuleWaitingQueue  = "waiting-queue"     // recorded on a waiting queue: the user who answered
	RuleRegName       = "registration-name" // no CDR names a user: the user owning the registration name
)

// Kinds of Diversion.
const (
	Forward  = "forward"
	Transfer = "transfer"
)

// A Diversion is a call forward or transfer found in the CDRs: By diverted
// the call of Party to To. The same diversion reported by several CDRs is
// listed once.
type Diversion struct {
	Kind  string `json:"kind,omitempty"` // Forward or Transfer
	Msg   Msg    `json:"msg,omitempty"`  // the event that reported it first
	By    Party  `json:"by,omitzero"`
	Party Party  `json:"party,omitzero"`
	To    Party  `json:"to,omitzero"`
}

// ForeignCDR is a CDR of another PBX than the configured one: stored, not
// used.
type ForeignCDR struct {
	Key Key    `json:"key,omitempty"`
	PBX string `json:"pbx,omitempty"`
}

// CallInfo is what the CDRs say about one recording. Every string is
// attacker-controlled.
type CallInfo struct {
	State State `json:"state,omitempty"`
	// Owner is a user name (of the Directory when there is one); empty
	// while pending or when nobody owns the recording.
	Owner        string `json:"owner,omitempty"`
	OwnerDisplay string `json:"owner_display,omitempty"` // the owner's display name if known
	OwnerRule    string `json:"owner_rule,omitempty"`    // how Owner was found: one of the Rule constants
	// Reason says why Owner is empty although CDRs are attached.
	Reason string `json:"reason,omitempty"`

	Remote     Party         `json:"remote,omitzero"`        // the party the owner talked to
	Direction  Direction     `json:"direction,omitempty"`    // empty unless attached
	External   bool          `json:"external,omitempty"`     // the far end is outside the PBX (type="ext")
	Start      time.Time     `json:"start,omitzero"`         // CDR utc of the owner's leg
	TalkTime   time.Duration `json:"talk_time_ns,omitempty"` // first connect to first release of the owner's leg
	Diversions []Diversion   `json:"diversions,omitempty"`   // forwards and transfers seen by the owner's leg (by all CDRs without one)

	CDRs    []Key        `json:"cdrs,omitempty"`    // the CDRs used, in call order
	Foreign []ForeignCDR `json:"foreign,omitempty"` // CDRs of another PBX, not used
}

// Resolve correlates one recording with the CDRs that share its conference
// GUID (the result of Store.ByConf; CDRs without it are ignored). It is pure
// and safe for concurrent use if the Directory is. Without a usable CDR the
// state is StatePending and nothing else is set but Foreign.
//
// CDRs are put in call order: by utc, then by the time of their first event,
// then by Key so that the result does not depend on the order CDRs arrived
// in; events within a CDR keep document order. The owner is, in
// this order of preference:
//   - the user of a user CDR made by the recording device (its h323 or device
//     equal to the registration name, its device equal to the MAC, or its h323
//     naming the directory user owning the registration name);
//   - for a recording made on a waiting queue (its CDR matched, or none
//     matched and the call passed one): the first user who answered;
//   - for a recording made on a trunk (likewise): on an outgoing call (the
//     trunk CDR's dir is "to") the user who initiated it, on an incoming call
//     the first user who answered;
//   - the directory user owning the registration name.
//
// A user CDR names its owner through the Directory: the user whose name
// equals the CDR's h323, or whose devices include the CDR's device (or, for
// the recording device's own CDR, the registration name). Without a
// Directory the owner is the CDR's h323.
//
// The other fields come from the owner's leg: the user CDR that gave the
// owner, or the trunk or queue CDR when no user CDR did.
func Resolve(rec Recording, cdrs []CDR, pol Policy) CallInfo {
	var info CallInfo
	used := make([]*CDR, 0, len(cdrs))
	for i := range cdrs {
		c := &cdrs[i]
		if !c.HasConf(rec.Conf) || slices.ContainsFunc(used, func(u *CDR) bool { return u.Key == c.Key && c.Key != "" }) {
			continue
		}
		if pol.PBXName != "" && !strings.EqualFold(c.PBX, pol.PBXName) {
			info.Foreign = append(info.Foreign, ForeignCDR{Key: c.Key, PBX: c.PBX})
			continue
		}
		used = append(used, c)
	}
	if len(used) == 0 {
		info.State = StatePending
		return info
	}
	slices.SortStableFunc(used, func(a, b *CDR) int {
		return cmp.Or(cmp.Compare(a.UTC, b.UTC), cmp.Compare(firstTime(a), firstTime(b)), strings.Compare(string(a.Key), string(b.Key)))
	})

	info.State = StateAttached
	for _, c := range used {
		info.CDRs = append(info.CDRs, c.Key)
	}
	r := resolver{rec: rec, pol: pol, used: used}
	if pol.Directory != nil {
		r.regUser, r.hasRegUser = pol.Directory.UserByDevice(rec.RegName)
	}
	leg := r.owner(&info)
	if leg == nil {
		info.Start = used[0].Start() // the call's start, whoever owns it
		info.Diversions = diversions(used)
		return info
	}
	info.Diversions = diversions([]*CDR{leg})
	info.Start = leg.Start()
	info.Remote = remote(leg)
	info.TalkTime = talkTime(leg)
	info.External = r.external(leg)
	info.Direction = r.direction(leg, info.OwnerRule, info.External)
	return info
}

type resolver struct {
	rec  Recording
	pol  Policy
	used []*CDR
	// regUser is the directory user owning the registration name, when
	// hasRegUser; looked up once for the rules that ask.
	regUser    DirectoryUser
	hasRegUser bool
}

// owner sets the owner fields of info and returns the owner's leg, or nil
// when no CDR gives the facts of the call.
func (r *resolver) owner(info *CallInfo) *CDR {
	var special *CDR // a trunk or waiting-queue CDR made by the recording device
	for _, c := range r.own() {
		switch c.Pseudo() {
		case "":
			r.setOwner(info, c, true, RuleUser)
			return c
		case PseudoTrunk, PseudoWaiting:
			if special == nil {
				special = c
			}
		}
	}
	if special == nil { // the recording device is unknown: a queue, else a trunk, the call passed
		special = r.first(PseudoWaiting)
		if special == nil {
			special = r.first(PseudoTrunk)
		}
	}
	if special != nil {
		return r.specialOwner(info, special)
	}
	if r.hasRegUser {
		info.Owner, info.OwnerDisplay, info.OwnerRule = r.regUser.Name, r.regUser.DisplayName, RuleRegName
		return nil
	}
	info.Reason = "no CDR was made by the recording device"
	return nil
}

// own returns the CDRs made by the recording device, those whose first
// conference is the recording's first.
func (r *resolver) own() []*CDR {
	mac := hexDigits(r.rec.MAC)
	var out []*CDR
	for _, c := range r.used {
		reg := r.rec.RegName != "" && (strings.EqualFold(c.H323, r.rec.RegName) || strings.EqualFold(c.Device, r.rec.RegName))
		if reg || (len(mac) == 12 && hexDigits(c.Device) == mac) || (r.regUser.Name != "" && strings.EqualFold(c.H323, r.regUser.Name)) {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b *CDR) int {
		return cmp.Compare(rank(!strings.EqualFold(firstConf(a), r.rec.Conf)), rank(!strings.EqualFold(firstConf(b), r.rec.Conf)))
	})
	return out
}

// specialOwner applies the ownership rules of trunks and waiting queues.
func (r *resolver) specialOwner(info *CallInfo, special *CDR) *CDR {
	rule := RuleTrunkIncoming
	switch {
	case special.Pseudo() == PseudoWaiting:
		rule = RuleWaitingQueue
	case special.Dir == DirTo: // the call was sent to the trunk: outgoing
		rule = RuleTrunkOutgoing
	}
	if rule == RuleTrunkOutgoing {
		for _, c := range r.used {
			if c.Pseudo() == "" && c.Dir == DirFrom {
				r.setOwner(info, c, false, rule)
				return c
			}
		}
		// No CDR of the initiator: the trunk's setup-to names it.
		if e := findEvent(special, MsgSetupTo); e != nil {
			r.setOwnerByName(info, e.H323, e.CN, rule)
		}
	} else {
		if c := r.firstAnswered(); c != nil {
			r.setOwner(info, c, false, rule)
			return c
		}
		// No CDR of the user who answered: the queue's or trunk's
		// first conn-to names them.
		if e := findEvent(special, MsgConnTo); e != nil {
			r.setOwnerByName(info, e.H323, e.CN, rule)
		}
	}
	if info.Owner == "" {
		info.Reason = "no user of the PBX took part in the " + special.Pseudo() + " call"
	}
	return special
}

// firstAnswered returns the user CDR that connected first (its own conn-from),
// ordered by utc, then the event's time.
func (r *resolver) firstAnswered() *CDR {
	var best *CDR
	var bestTime int64
	for _, c := range r.used {
		if c.Pseudo() != "" {
			continue
		}
		e := findEvent(c, MsgConnFrom)
		if e == nil {
			continue
		}
		if best == nil || c.UTC < best.UTC || (c.UTC == best.UTC && e.Time < bestTime) {
			best, bestTime = c, e.Time
		}
	}
	return best
}

func (r *resolver) first(pseudo string) *CDR {
	for _, c := range r.used {
		if c.Pseudo() == pseudo {
			return c
		}
	}
	return nil
}

// setOwner names the owner of user CDR c. own says c was made by the
// recording device, so the registration name may name its user.
func (r *resolver) setOwner(info *CallInfo, c *CDR, own bool, rule string) {
	info.OwnerRule = rule
	d := r.pol.Directory
	if d == nil {
		if c.H323 == "" {
			info.Reason = "the owner's CDR has no h323 name"
			return
		}
		info.Owner, info.OwnerDisplay = c.H323, c.CN
		return
	}
	u, ok := d.UserByName(c.H323)
	if !ok {
		u, ok = d.UserByDevice(c.Device)
	}
	if !ok && own {
		u, ok = r.regUser, r.hasRegUser
	}
	if !ok {
		info.Reason = "the owner's CDR names no user of the directory"
		return
	}
	info.Owner, info.OwnerDisplay = u.Name, cmp.Or(u.DisplayName, c.CN)
}

// setOwnerByName names the owner from an event of a trunk or queue CDR.
func (r *resolver) setOwnerByName(info *CallInfo, h323, cn, rule string) {
	info.OwnerRule = rule
	if d := r.pol.Directory; d != nil {
		if u, ok := d.UserByName(h323); ok {
			info.Owner, info.OwnerDisplay = u.Name, cmp.Or(u.DisplayName, cn)
		}
		return
	}
	info.Owner, info.OwnerDisplay = h323, cn
}

// external reports whether the far end of the owner's leg is outside the PBX.
func (r *resolver) external(leg *CDR) bool {
	for _, c := range r.used {
		if c != leg && c.Pseudo() == "" {
			continue // another user's leg says nothing about the owner's far end
		}
		for i := range c.Events {
			e := &c.Events[i]
			if e.Type == TypeExternal || (e.EP != nil && e.EP.Type == TypeExternal) {
				return true
			}
		}
	}
	return false
}

func (r *resolver) direction(leg *CDR, rule string, external bool) Direction {
	switch rule {
	case RuleTrunkOutgoing:
		return DirectionOut
	case RuleTrunkIncoming, RuleWaitingQueue:
		if leg.Pseudo() != "" || external || r.first(PseudoTrunk) != nil {
			return DirectionIn
		}
	}
	if !external && r.first(PseudoTrunk) == nil {
		return DirectionInternal
	}
	if len(leg.Events) > 0 {
		switch leg.Events[0].Msg {
		case MsgSetupFrom:
			return DirectionOut
		case MsgSetupTo:
			return DirectionIn
		}
	}
	if leg.Dir == DirFrom {
		return DirectionOut
	}
	return DirectionIn
}

// remote returns the party the leg's object talked to: the first party that
// connected, else the last that was alerted, else the caller; an <ep> (the
// endpoint a trunk actually reached) fills in what the event lacks. The
// connect event often carries only a number although the setup or alert
// event of the same party named it: the party's empty fields are filled
// from the other events of that party (connects first, then alerts from
// the last, then setups), never from another party's.
func remote(leg *CDR) Party {
	var connected, alerted, setup []Party
	for i := range leg.Events {
		e := &leg.Events[i]
		p := e.Party()
		if e.EP != nil {
			p = mergeParty(*e.EP, p)
		}
		if p.IsZero() {
			continue
		}
		switch e.Msg {
		case MsgConnTo, MsgConnFrom, MsgConnected:
			connected = append(connected, p)
		case MsgAlertTo, MsgAlertFrom:
			alerted = append(alerted, p)
		case MsgSetupTo, MsgSetupFrom:
			setup = append(setup, p)
		}
	}
	slices.Reverse(alerted) // the last alerted is the likeliest
	var best Party
	switch {
	case len(connected) > 0:
		best = connected[0]
	case len(alerted) > 0:
		best = alerted[0]
	case len(setup) > 0:
		best = setup[0]
	default:
		return Party{}
	}
	for _, ps := range [][]Party{connected, alerted, setup} {
		for _, p := range ps {
			if sameParty(best, p) {
				best = mergeParty(best, p)
			}
		}
	}
	return best
}

// sameParty reports whether a and b name the same party: they share a
// number or an H.323 name, and neither of the two differs.
func sameParty(a, b Party) bool {
	shared := false
	for _, f := range [][2]string{{a.E164, b.E164}, {a.H323, b.H323}} {
		if f[0] == "" || f[1] == "" {
			continue
		}
		if f[0] != f[1] {
			return false
		}
		shared = true
	}
	return shared
}

// mergeParty returns a with its empty fields taken from b.
func mergeParty(a, b Party) Party {
	a.E164 = cmp.Or(a.E164, b.E164)
	a.H323 = cmp.Or(a.H323, b.H323)
	a.CN = cmp.Or(a.CN, b.CN)
	a.DN = cmp.Or(a.DN, b.DN)
	a.Root = cmp.Or(a.Root, b.Root)
	a.Type = cmp.Or(a.Type, b.Type)
	return a
}

// talkTime follows innovaphone's billing rule: from the first connect to the
// first disconnect or release after it.
func talkTime(leg *CDR) time.Duration {
	var start int64
	connected := false
	for i := range leg.Events {
		e := &leg.Events[i]
		switch e.Msg {
		case MsgConnTo, MsgConnFrom:
			if !connected {
				start, connected = e.Time, true
			}
		case MsgDiscTo, MsgDiscFrom, MsgRelTo, MsgRelFrom:
			if connected {
				if e.Time <= start {
					return 0
				}
				return time.Duration(e.Time-start) * time.Second
			}
		}
	}
	return 0
}

// diversions lists the forwards and transfers of the CDRs, each once.
func diversions(used []*CDR) []Diversion {
	var out []Diversion
	var seen []string
	add := func(d Diversion) {
		a, b := partyID(d.Party), partyID(d.To)
		if a > b {
			a, b = b, a
		}
		k := d.Kind + "\x00" + partyID(d.By) + "\x00" + a + "\x00" + b
		if !slices.Contains(seen, k) {
			seen = append(seen, k)
			out = append(out, d)
		}
	}
	for _, c := range used {
		for i := range c.Events {
			e := &c.Events[i]
			var to Party
			if e.To != nil {
				to = *e.To
			}
			switch e.Msg {
			case MsgCFFrom:
				add(Diversion{Kind: Forward, Msg: e.Msg, By: c.Object(), Party: e.Party(), To: to})
			case MsgCFTo:
				add(Diversion{Kind: Forward, Msg: e.Msg, By: e.Party(), Party: c.Object(), To: to})
			case MsgTransferFrom, MsgTransferred, MsgTransferRemote:
				add(Diversion{Kind: Transfer, Msg: e.Msg, By: c.Object(), Party: e.Party(), To: to})
			case MsgTransferTo:
				add(Diversion{Kind: Transfer, Msg: e.Msg, By: e.Party(), Party: c.Object(), To: to})
			}
			for _, p := range e.CF {
				add(Diversion{Kind: Forward, Msg: e.Msg, By: p, Party: e.Party(), To: c.Object()})
			}
			for _, p := range e.CT {
				add(Diversion{Kind: Transfer, Msg: e.Msg, By: p, Party: e.Party(), To: c.Object()})
			}
		}
	}
	return out
}

// partyID identifies a party for de-duplication: by number, else name.
func partyID(p Party) string {
	if p.E164 != "" {
		return "#" + p.E164
	}
	return strings.ToLower(cmp.Or(p.H323, p.CN, p.DN))
}

func findEvent(c *CDR, msg Msg) *Event {
	for i := range c.Events {
		if c.Events[i].Msg == msg {
			return &c.Events[i]
		}
	}
	return nil
}

func firstTime(c *CDR) int64 {
	if len(c.Events) == 0 {
		return 0
	}
	return c.Events[0].Time
}

func firstConf(c *CDR) string {
	if len(c.Events) == 0 {
		return ""
	}
	return c.Events[0].Conf
}

func rank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// hexDigits returns the hex digits of s in lower case, so that MAC addresses
// compare whatever their separators.
func hexDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
			b.WriteByte(c)
		case c >= 'A' && c <= 'F':
			b.WriteByte(c + 'a' - 'A')
		case c == ':' || c == '-' || c == '.':
		default:
			return "" // not a MAC address
		}
	}
	return b.String()
}
