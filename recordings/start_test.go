package recordings_test

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/f0fce437/callrec/adapters/pcapconv"
	"github.com/f0fce437/callrec/recordings"
	"github.com/f0fce437/callrec/recordings/recordingstest"
	"github.com/f0fce437/callrec/rtpcodec/callgen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gatedConverter is the real pipeline, held until open is closed.
type gatedConverter struct {
	recordings.Converter
	open chan struct{}
}

func (c *gatedConverter) Convert(ctx context.Context, src io.ReadSeeker, dst io.WriteSeeker) (recordings.Media, error) {
	select {
	case <-c.open:
	case <-ctx.Done():
		return recordings.Media{}, ctx.Err()
	}
	return c.Converter.Convert(ctx, src, dst)
}

// TestRecordingStart checks the rule of Recording.Start: the CDR's utc when
// known, else the capture's first packet once converted, else the upload
// time. The callgen capture starts around callgen.Epoch (its dummy SIP
// exchange just before), months before the upload clock, so each source
// shows. A zero want is the capture start.
func TestRecordingStart(t *testing.T) {
	utc := time.Date(2026, 1, 2, 9, 59, 58, 0, time.UTC)
	require.False(t, callgen.Epoch.Equal(t0))
	for _, tc := range []struct {
		name string
		// attach, when set, is the call info attached before (or, with
		// late, after) the conversion; nocdr sweeps it to NoCDR instead.
		attach       *recordings.CallInfo
		late, nocdr  bool
		before, want time.Time
	}{
		{name: "CDR with utc", attach: &recordings.CallInfo{Owner: "alice", Direction: recordings.DirectionIn, Start: utc},
			before: utc, want: utc},
		{name: "CDR without utc", attach: &recordings.CallInfo{Owner: "alice", Direction: recordings.DirectionIn},
			before: t0},
		{name: "CDR without utc after conversion", attach: &recordings.CallInfo{Owner: "alice", Direction: recordings.DirectionIn}, late: true,
			before: t0},
		{name: "CDR with utc after conversion", attach: &recordings.CallInfo{Owner: "alice", Direction: recordings.DirectionIn, Start: utc}, late: true,
			before: t0, want: utc},
		{name: "NoCDR", nocdr: true, before: t0},
		{name: "pending", before: t0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			conv := &gatedConverter{Converter: pcapconv.New(pcapconv.Options{}), open: make(chan struct{})}
			e := newEnv(t, func(c *recordings.Config) { c.Converter = conv })
			var b bytes.Buffer
			_, err := recordingstest.CallPCAP(&b, time.Second, 7)
			require.NoError(t, err)
			r, err := e.svc.Ingest(ctx, callName(1, "alice-phone"), &b, int64(b.Len()))
			require.NoError(t, err)
			if tc.attach != nil && !tc.late {
				require.NoError(t, e.svc.AttachCallInfo(ctx, r.ID, *tc.attach))
			}
			if tc.nocdr {
				e.clock.Advance(time.Hour)
				_, err := e.svc.SweepCallInfo(ctx)
				require.NoError(t, err)
			}
			got, err := e.svc.Get(ctx, admin, r.ID)
			require.NoError(t, err)
			assert.Equal(t, tc.before, got.Start, "before conversion")

			close(conv.open)
			e.idle(t)
			if tc.attach != nil && tc.late {
				require.NoError(t, e.svc.AttachCallInfo(ctx, r.ID, *tc.attach))
			}
			got, err = e.svc.Get(ctx, admin, r.ID)
			require.NoError(t, err)
			require.Equal(t, recordings.StatusReady, got.Status, got.Failure)
			assert.WithinDuration(t, callgen.Epoch, got.Media.CaptureStart, time.Second, "the capture's first packet")
			want := tc.want
			if want.IsZero() {
				want = got.Media.CaptureStart
			}
			assert.Equal(t, want, got.Start, "after conversion")
		})
	}
}
