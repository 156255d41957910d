package recordings

import (
	"cmp"
	"context"
	"iter"
	"time"
)

// RecordingFacts is what the service knows about a recording when it asks
// for its call information.
type RecordingFacts struct {
	ID              string
	FileName        string
	Name            FileName // Name.GUID is the conference GUID of the call
	UploadCompleted time.Time
	CaptureStart    time.Time // zero before conversion
}

// CallInfo is what CDR correlation tells about a recording.
type CallInfo struct {
	Owner        string // a user name, or "" when no user owns it
	RemoteName   string
	RemoteNumber string
	Direction    Direction
	External     bool
	Start        time.Time     // the CDR's utc
	TalkTime     time.Duration // first connect to first release of the owner's leg
	CDRRef       string        // identifies the CDR(s), for the detail view
}

// CallInfoResolver finds the call information of a recording from its CDRs
// (implemented by the cdr package). ok is false while no CDR matches.
type CallInfoResolver interface {
	Resolve(ctx context.Context, facts RecordingFacts) (info CallInfo, ok bool, err error)
}

// DeviceDirectory maps a registration name to the user whose devices
// include it: the owner of a recording without a CDR.
type DeviceDirectory interface {
	UserByDevice(ctx context.Context, regName string) (user string, ok bool, err error)
}

// LicenseEventKind names what happened to a recording, for the Licenser.
type LicenseEventKind string

// Recording events fed to the Licenser.
const (
	LicenseRecordingCreated LicenseEventKind = "created" // with Owner ("" for none yet) and Created
	LicenseOwnerSet         LicenseEventKind = "owner"   // Owner changed
	LicenseProtected        LicenseEventKind = "protect" // Protected changed
	LicenseDeleted          LicenseEventKind = "deleted" // the recording is gone
)

// LicenseEvent is one change of a recording the licence engine must know.
type LicenseEvent struct {
	Kind        LicenseEventKind
	RecordingID string
	Owner       string
	Created     time.Time // Recording.Created: the first upload completion, the recording's creation for licensing
	OwnerSet    time.Time // when Owner was set, if later than Created (zero: never)
	Protected   bool
}

func licenseEvent(kind LicenseEventKind, r *Recording) LicenseEvent {
	return LicenseEvent{Kind: kind, RecordingID: r.ID, Owner: r.Owner, Created: cmp.Or(r.Created, r.UploadCompleted), OwnerSet: r.OwnerSet, Protected: r.Protected}
}

// AccessChange says a recording became accessible or not.
type AccessChange struct {
	RecordingID string
	Accessible  bool
}

// LicenseDecisions are what the engine decided after an event or as time
// passed: accessibility changes, and recordings to delete now (group mode
// grace expired).
type LicenseDecisions struct {
	Access []AccessChange
	Delete []string
}

// Licenser is the licence engine as the service sees it (implemented by the
// licensing package; the server wires it). Its other inputs (licence count,
// users, group membership) come from the server, which calls the engine
// through Service.UpdateLicensing so that the decisions are stored in
// order. A Licenser must be safe for concurrent use.
type Licenser interface {
	// Observe feeds one recording event at time now. The Service builds
	// each event from the recording as stored when it calls Observe (under
	// the lock of UpdateLicensing), so the latest event about a recording
	// is its latest state, whatever order the changes committed in: an
	// owner or protection event may name a recording the Licenser does not
	// know yet (add it), a creation one it knows (take its state), and a
	// deletion one it forgot already (ignore it).
	Observe(now time.Time, ev LicenseEvent) (LicenseDecisions, error)
	// Due lets time pass up to now.
	Due(now time.Time) LicenseDecisions
	// Snapshot returns the engine state to persist under the setting key
	// LicenseSnapshotKey, or nil when nothing worth persisting changed
	// since the last call.
	Snapshot() ([]byte, error)
}

// LicenseRestorer is the optional power of a Licenser that rebuilds its
// state when the Service starts: from the snapshot persisted last (nil when
// none) and every recording of the store, as LicenseRecordingCreated events
// (with Owner, Created, OwnerSet and Protected). recs may be ranged over
// once.
type LicenseRestorer interface {
	Restore(now time.Time, snapshot []byte, recs iter.Seq[LicenseEvent]) (LicenseDecisions, error)
}

// LicenseVerdicts is the optional power of a Licenser to tell a
// recording's accessibility as its state decides it now. After the
// Licenser was rebuilt at Start (its Restore decides nothing per
// recording), the Service corrects every stored recording that disagrees.
type LicenseVerdicts interface {
	// Accessible reports whether the recording id is accessible (owned by
	// a holder, or ownerless); known is false for a recording the
	// Licenser does not hold.
	Accessible(id string) (accessible, known bool)
}

// LicenseConfigurer is the optional power of a Licenser that takes the
// licence count and the recordings group name from the settings: the
// Service calls it at Start and whenever an admin changes either.
type LicenseConfigurer interface {
	Configure(now time.Time, licenses int, group string) (LicenseDecisions, error)
}
