package main

import (
	"context"
	"strings"

	"github.com/f0fce437/callrec/cdr"
	"github.com/f0fce437/callrec/recordings"
)

// callInfoResolver is the recordings.CallInfoResolver on the cdr package:
// it correlates a recording with the stored CDRs of its conference, using
// the users file as directory and the PBX name of the settings.
type callInfoResolver struct{ m *Main }

var _ recordings.CallInfoResolver = (*callInfoResolver)(nil)

func (c *callInfoResolver) Resolve(ctx context.Context, f recordings.RecordingFacts) (recordings.CallInfo, bool, error) {
	if !f.Name.Valid || f.Name.GUID == "" {
		return recordings.CallInfo{}, false, nil
	}
	ci, err := c.resolve(ctx, f)
	if err != nil || ci.State != cdr.StateAttached {
		return recordings.CallInfo{}, false, err
	}
	name := ci.Remote.CN
	if name == "" {
		name = ci.Remote.DN
	}
	if name == "" {
		name = ci.Remote.H323
	}
	keys := make([]string, len(ci.CDRs))
	for i, k := range ci.CDRs {
		keys[i] = string(k)
	}
	return recordings.CallInfo{
		Owner:        ci.Owner,
		RemoteName:   name,
		RemoteNumber: ci.Remote.E164,
		Direction:    recordings.Direction(ci.Direction),
		External:     ci.External,
		Start:        ci.Start,
		TalkTime:     ci.TalkTime,
		CDRRef:       strings.Join(keys, ","),
	}, true, nil
}

func (c *callInfoResolver) resolve(ctx context.Context, f recordings.RecordingFacts) (cdr.CallInfo, error) {
	s, err := c.m.svc.Settings(ctx, recordings.SystemActor())
	if err != nil {
		return cdr.CallInfo{}, err
	}
	return c.m.cdrs.Resolve(ctx, cdr.Recording{Conf: f.Name.GUID, MAC: f.Name.MAC, RegName: f.Name.RegName},
		cdr.Policy{PBXName: s.PBXName, Directory: c.m.users.Load().dir})
}

// callRecords is the "cdr" of a recording's detail view: what correlation
// says about the call, from the CDRs stored now.
func (m *Main) callRecords(ctx context.Context, r *recordings.Recording) (any, error) {
	if !r.Name.Valid {
		return nil, nil
	}
	ci, err := (&callInfoResolver{m: m}).resolve(ctx, recordings.RecordingFacts{
		ID: r.ID, FileName: r.FileName, Name: r.Name, UploadCompleted: r.UploadCompleted,
	})
	if err != nil {
		return nil, err
	}
	return ci, nil
}

// arrivalListener is the cdr.Listener: it queues the conferences whose CDRs
// were stored, without blocking the intake.
type arrivalListener chan []string

func (a arrivalListener) CDRsStored(_ context.Context, confs []string) {
	if len(confs) == 0 {
		return
	}
	select {
	case a <- append([]string(nil), confs...):
	default:
		// The queue is full (thousands of batches behind): these
		// recordings are correlated when their wait ends (NoCDR sweep) or
		// with the next CDR of their call.
	}
}

// forwardArrivals lets the recordings service attach arriving CDRs.
func (m *Main) forwardArrivals(arrivals <-chan []string) {
	defer m.wg.Done()
	for confs := range arrivals {
		if err := m.svc.CallInfoArrived(context.Background(), confs...); err != nil {
			m.tracing.Logger(recordings.TraceCallInfo).Error("attaching CDRs", "confs", confs, "err", err)
		}
	}
}
