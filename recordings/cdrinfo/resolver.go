package cdrinfo

import (
	"cmp"
	"context"
	"log/slog"
	"strings"

	"github.com/f0fce437/callrec/cdr"
	"github.com/f0fce437/callrec/recordings"
)

// CDRs is what the Resolver reads of the stored CDRs; a cdr.Store has it.
type CDRs interface {
	// ByConf returns the stored entries of conference GUID conf.
	ByConf(ctx context.Context, conf string) ([]cdr.Entry, error)
}

// Config configures a Resolver. CDRs is required.
type Config struct {
	CDRs CDRs
	// Directory names the owners; nil: the CDRs' h323 names as they are.
	Directory cdr.Directory
	// PBXName returns the PBX name of the settings ("" while unset);
	// nil: CDRs of every PBX count.
	PBXName func(ctx context.Context) (string, error)
	// Logger receives the CDRs of another PBX that are not used;
	// default: discard.
	Logger *slog.Logger
}

// Resolver is the recordings.CallInfoResolver on package cdr. It is safe
// for concurrent use if its CDRs, Directory and PBXName are.
type Resolver struct {
	c Config
}

var _ recordings.CallInfoResolver = (*Resolver)(nil)

// New returns a Resolver.
func New(c Config) *Resolver {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return &Resolver{c: c}
}

// Resolve implements recordings.CallInfoResolver: ok is true once CDRs of
// the recording's call are attached.
func (r *Resolver) Resolve(ctx context.Context, f recordings.RecordingFacts) (recordings.CallInfo, bool, error) {
	if !f.Name.Valid || f.Name.GUID == "" {
		return recordings.CallInfo{}, false, nil
	}
	ci, err := r.correlate(ctx, f.Name)
	if err != nil {
		return recordings.CallInfo{}, false, err
	}
	if len(ci.Foreign) > 0 {
		pbxs := make([]string, len(ci.Foreign))
		for i, fc := range ci.Foreign {
			pbxs[i] = fc.PBX
		}
		r.c.Logger.Info("CDRs of another PBX are stored but not used for the recording",
			"recording", f.ID, "guid", f.Name.GUID, "cdrs", len(ci.Foreign), "pbx", pbxs)
	}
	if ci.State != cdr.StateAttached {
		return recordings.CallInfo{}, false, nil
	}
	keys := make([]string, len(ci.CDRs))
	for i, k := range ci.CDRs {
		keys[i] = string(k)
	}
	return recordings.CallInfo{
		Owner:        ci.Owner,
		RemoteName:   cmp.Or(ci.Remote.CN, ci.Remote.DN, ci.Remote.H323),
		RemoteNumber: ci.Remote.E164,
		Direction:    recordings.Direction(ci.Direction),
		External:     ci.External,
		Start:        ci.Start,
		TalkTime:     ci.TalkTime,
		CDRRef:       strings.Join(keys, ","),
	}, true, nil
}

// Detail returns what correlation says of recording rec's call now, from
// the CDRs stored now (a cdr.CallInfo, also while pending), for the
// recording's detail view; nil when its file name names no call.
func (r *Resolver) Detail(ctx context.Context, rec *recordings.Recording) (any, error) {
	if !rec.Name.Valid {
		return nil, nil
	}
	ci, err := r.correlate(ctx, rec.Name)
	if err != nil {
		return nil, err
	}
	return ci, nil
}

// correlate correlates the recording of file name n with its stored CDRs.
func (r *Resolver) correlate(ctx context.Context, n recordings.FileName) (cdr.CallInfo, error) {
	pol := cdr.Policy{Directory: r.c.Directory}
	if r.c.PBXName != nil {
		var err error
		if pol.PBXName, err = r.c.PBXName(ctx); err != nil {
			return cdr.CallInfo{}, err
		}
	}
	rec := cdr.Recording{Conf: n.GUID, MAC: n.MAC, RegName: n.RegName}
	var cdrs []cdr.CDR
	if n.GUID != "" {
		entries, err := r.c.CDRs.ByConf(ctx, n.GUID)
		if err != nil {
			return cdr.CallInfo{}, err
		}
		cdrs = make([]cdr.CDR, len(entries))
		for i, e := range entries {
			cdrs[i] = e.CDR
		}
	}
	return cdr.Resolve(rec, cdrs, pol), nil
}
