package main

import (
	"cmp"
	"context"
	"strings"

	"github.com/f0fce437/callrec/cdr"
	"github.com/f0fce437/callrec/recordings"
)

// callInfoResolver is the recordings.CallInfoResolver on the cdr package:
// it correlates a recording with the stored CDRs of its conference, using
// the directory of users and the PBX name of the settings.
type callInfoResolver struct{ m *Main }

var _ recordings.CallInfoResolver = (*callInfoResolver)(nil)

// Resolve implements recordings.CallInfoResolver.
func (c *callInfoResolver) Resolve(ctx context.Context, f recordings.RecordingFacts) (recordings.CallInfo, bool, error) {
	if !f.Name.Valid || f.Name.GUID == "" {
		return recordings.CallInfo{}, false, nil
	}
	ci, err := c.resolve(ctx, f.Name)
	if err != nil {
		return recordings.CallInfo{}, false, err
	}
	if len(ci.Foreign) > 0 {
		pbxs := make([]string, len(ci.Foreign))
		for i, fc := range ci.Foreign {
			pbxs[i] = fc.PBX
		}
		c.m.tracing.Logger(recordings.TraceCallInfo).Info("CDRs of another PBX are stored but not used for the recording",
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

// resolve correlates the recording of file name n with its stored CDRs,
// with the PBX name of the settings and the users file as directory.
func (c *callInfoResolver) resolve(ctx context.Context, n recordings.FileName) (cdr.CallInfo, error) {
	s, err := c.m.svc.Settings(ctx, recordings.SystemActor())
	if err != nil {
		return cdr.CallInfo{}, err
	}
	return c.m.cdrs.Resolve(ctx, cdr.Recording{Conf: n.GUID, MAC: n.MAC, RegName: n.RegName},
		cdr.Policy{PBXName: s.PBXName, Directory: c.m.dir})
}

// callRecords is the "cdr" of a recording's detail view: what correlation
// says about the call, from the CDRs stored now.
func (m *Main) callRecords(ctx context.Context, r *recordings.Recording) (any, error) {
	if !r.Name.Valid {
		return nil, nil
	}
	ci, err := (&callInfoResolver{m: m}).resolve(ctx, r.Name)
	if err != nil {
		return nil, err
	}
	return ci, nil
}
