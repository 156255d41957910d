package cdr

import (
	"slices"
	"strings"
	"time"
)

// Dir is the direction of a CDR seen from its object (attribute dir).
type Dir string

// The directions innovaphone documents.
const (
	DirFrom Dir = "from" // a call originating from this object
	DirTo   Dir = "to"   // a call sent to this object
	DirCF   Dir = "cf"   // a call diverted (forwarded) by this object
	DirCT   Dir = "ct"   // a call transferred by this object
)

// Msg is the message that caused an event (attribute msg). "-from" messages
// come from the CDR's own object, "-to" messages from the other party.
type Msg string

// The messages innovaphone documents. Others are kept as they come.
const (
	MsgSetupFrom      Msg = "setup-from"
	MsgSetupTo        Msg = "setup-to"
	MsgAlertFrom      Msg = "alert-from"
	MsgAlertTo        Msg = "alert-to"
	MsgConnFrom       Msg = "conn-from"
	MsgConnTo         Msg = "conn-to"
	MsgRelFrom        Msg = "rel-from"
	MsgRelTo          Msg = "rel-to"
	MsgDiscFrom       Msg = "disc-from"
	MsgDiscTo         Msg = "disc-to"
	MsgTransferFrom   Msg = "transfer-from"
	MsgTransferTo     Msg = "transfer-to"
	MsgTransferred    Msg = "transferred"
	MsgTransferRemote Msg = "transfer-remote"
	MsgCFFrom         Msg = "cf-from"
	MsgCFTo           Msg = "cf-to"
	MsgConnected      Msg = "connected"
)

// Pseudo object types of <user pseudo="..."> that correlation treats
// specially. A CDR without pseudo belongs to a user.
const (
	PseudoTrunk   = "trunk"   // a trunk line (gateway interface)
	PseudoWaiting = "waiting" // a waiting queue
)

// TypeExternal is the event type attribute value marking a party outside the
// PBX.
const TypeExternal = "ext"

// A CDR is one call detail record: one call seen from one PBX object.
// All strings are exactly as received (entity references resolved) and
// attacker-controlled: escape them wherever they are shown. A CDR does not
// alias any buffer of the Decoder that produced it.
type CDR struct {
	GUID   string `json:"guid,omitempty"`   // the object's GUID (not the call's)
	Sys    string `json:"sys,omitempty"`    // system name (gatekeeper identifier or domain)
	PBX    string `json:"pbx,omitempty"`    // the PBX that generated the CDR
	Node   string `json:"node,omitempty"`   // the object's node
	Device string `json:"device,omitempty"` // the device used for the call, if any
	CN     string `json:"cn,omitempty"`     // the object's long name
	E164   string `json:"e164,omitempty"`   // the object's normalised number
	H323   string `json:"h323,omitempty"`   // the object's H.323 name
	Dir    Dir    `json:"dir,omitempty"`    // from, to, cf or ct
	UTC    int64  `json:"utc,omitempty"`    // start of the call, seconds since 1970-01-01 UTC; 0 if absent
	Local  int64  `json:"local,omitempty"`  // start of the call in the PBX's local time, same encoding; 0 if absent
	ID     string `json:"id,omitempty"`     // unique id of this CDR, empty on older PBXs
	Seq    int64  `json:"seq,omitempty"`    // sequence number (14r2), valid when HasSeq
	HasSeq bool   `json:"has_seq,omitempty"`

	// User is the <user> element, nil when absent.
	User *User `json:"user,omitempty"`
	// Events in document order.
	Events []Event `json:"events,omitempty"`

	// Key is the de-duplication key the Decoder computed (see Key).
	Key Key `json:"key,omitempty"`
	// Raw holds the exact bytes of the <cdr> element as received, from its
	// start tag to its end tag. It is owned by the CDR.
	Raw []byte `json:"-"`
}

// User is the <user> element of a CDR.
type User struct {
	// Pseudo is the object type when the object is not a user ("trunk",
	// "waiting", "vm", "master" ...); empty for a user.
	Pseudo string `json:"pseudo,omitempty"`
	// Groups are the object's <grp> children in document order.
	Groups []Group `json:"groups,omitempty"`
}

// Group is a <grp> element: a group the object belongs to. Its attributes
// follow innovaphone's group configuration (name, mode, dyn) [inferred: the
// documentation only says there is one <grp> per group]; which of them
// count as memberships is recordings/directory's call (see its doc).
type Group struct {
	Name string `json:"name,omitempty"`
	Mode string `json:"mode,omitempty"`
	Dyn  string `json:"dyn,omitempty"`
}

// An Event is one state a call went through (<event>).
type Event struct {
	Msg      Msg    `json:"msg,omitempty"`
	Time     int64  `json:"time,omitempty"`  // seconds; only its order matters (see Resolve)
	Type     string `json:"type,omitempty"`  // type of the other party; "ext" is external
	E164     string `json:"e164,omitempty"`  // number of the other party, as dialable from this object
	Root     string `json:"root,omitempty"`  // number of the other party relative to the numbering root
	H323     string `json:"h323,omitempty"`  // H.323 name of the other party
	CN       string `json:"cn,omitempty"`    // name of the other party
	DN       string `json:"dn,omitempty"`    // display name of the other party
	Cause    int    `json:"cause,omitempty"` // Q.931 cause, valid when HasCause
	HasCause bool   `json:"has_cause,omitempty"`
	Conf     string `json:"conf,omitempty"` // conference GUID; always on the first event, again when it changes

	To       *Party  `json:"to,omitempty"`       // <to>: the new peer after a transfer or forward
	EP       *Party  `json:"ep,omitempty"`       // <ep>: the endpoint actually connected (trunks)
	CF       []Party `json:"cf,omitempty"`       // <cf>: preceding call forwards
	CT       []Party `json:"ct,omitempty"`       // <ct>: preceding transfers
	MakeCall string  `json:"makecall,omitempty"` // appl of <makecall>: the application that initiated the call
}

// Party names a phone party: the attributes shared by <to>, <ep>, <cf> and
// <ct> (and an event's own).
type Party struct {
	E164 string `json:"e164,omitempty"`
	H323 string `json:"h323,omitempty"`
	CN   string `json:"cn,omitempty"`
	DN   string `json:"dn,omitempty"`
	Root string `json:"root,omitempty"`
	Type string `json:"type,omitempty"`
}

// IsZero reports whether p names nobody.
func (p Party) IsZero() bool {
	return p.E164 == "" && p.H323 == "" && p.CN == "" && p.DN == ""
}

// Party returns the other party an event names.
func (e *Event) Party() Party {
	return Party{E164: e.E164, H323: e.H323, CN: e.CN, DN: e.DN, Root: e.Root, Type: e.Type}
}

// Object returns the party of the CDR's own object.
func (c *CDR) Object() Party {
	return Party{E164: c.E164, H323: c.H323, CN: c.CN}
}

// Pseudo returns the object type of the CDR: "" for a user.
func (c *CDR) Pseudo() string {
	if c.User == nil {
		return ""
	}
	return c.User.Pseudo
}

// Start returns the start of the call (utc) as a time, or the zero time when
// the CDR has no utc.
func (c *CDR) Start() time.Time {
	if c.UTC == 0 {
		return time.Time{}
	}
	return time.Unix(c.UTC, 0).UTC()
}

// Confs returns the distinct conference GUIDs of the CDR's events in document
// order (the first event's, then each one a transfer introduced), in lower
// case: GUIDs are hex and recordings store them in lower case.
func (c *CDR) Confs() []string {
	var out []string
	for i := range c.Events {
		if conf := strings.ToLower(c.Events[i].Conf); conf != "" && !slices.Contains(out, conf) {
			out = append(out, conf)
		}
	}
	return out
}

// HasConf reports whether any event of the CDR carries conf, compared without
// regard to case.
func (c *CDR) HasConf(conf string) bool {
	if conf == "" {
		return false
	}
	for i := range c.Events {
		if strings.EqualFold(c.Events[i].Conf, conf) {
			return true
		}
	}
	return false
}
