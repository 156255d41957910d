package recordingstest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/f0fce437/callrec/recordings"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStore runs the conformance suite of recordings.Store against the
// stores newStore returns (a fresh, empty one per call).
func TestStore(t *testing.T, newStore func(t *testing.T) recordings.Store) {
	t.Run("RecordingRoundTrip", func(t *testing.T) {
		s := newStore(t)
		r := fullRecording("r1", "f9e5956e47d460010630009033302ab1-009033302ab1-11--J%C3%BCrgen.pcap")
		update(t, s, func(tx recordings.Tx) error { return tx.PutRecording(r) })
		view(t, s, func(tx recordings.Tx) error {
			got, err := tx.Recording("r1")
			require.NoError(t, err)
			assertRecording(t, r, got)
			got, err = tx.RecordingByFileName(r.FileName)
			require.NoError(t, err)
			assertRecording(t, r, got)
			return nil
		})
	})
	t.Run("RecordingNotFound", func(t *testing.T) {
		s := newStore(t)
		view(t, s, func(tx recordings.Tx) error {
			_, err := tx.Recording("nope")
			assert.Equal(t, recordings.NotFound, recordings.ErrorCode(err), "%v", err)
			_, err = tx.RecordingByFileName("nope.pcap")
			assert.Equal(t, recordings.NotFound, recordings.ErrorCode(err), "%v", err)
			return nil
		})
		err := s.Update(context.Background(), func(tx recordings.Tx) error { return tx.DeleteRecording("nope") })
		assert.Equal(t, recordings.NotFound, recordings.ErrorCode(err), "%v", err)
	})
	t.Run("PutReplaces", func(t *testing.T) {
		s := newStore(t)
		r := fullRecording("r1", "a.pcap")
		update(t, s, func(tx recordings.Tx) error { return tx.PutRecording(r) })
		r.Status, r.Owner, r.Protected, r.Media.Codecs = recordings.StatusFailed, "bob", false, nil
		r.Failure = "broken"
		update(t, s, func(tx recordings.Tx) error { return tx.PutRecording(r) })
		view(t, s, func(tx recordings.Tx) error {
			got, err := tx.Recording("r1")
			require.NoError(t, err)
			assertRecording(t, r, got)
			return nil
		})
	})
	t.Run("FileNameIsUnique", func(t *testing.T) {
		s := newStore(t)
		update(t, s, func(tx recordings.Tx) error { return tx.PutRecording(fullRecording("r1", "same.pcap")) })
		err := s.Update(context.Background(), func(tx recordings.Tx) error { return tx.PutRecording(fullRecording("r2", "same.pcap")) })
		assert.Equal(t, recordings.Conflict, recordings.ErrorCode(err), "%v", err)
	})
	t.Run("RollbackOnError", func(t *testing.T) {
		s := newStore(t)
		boom := errors.New("boom")
		err := s.Update(context.Background(), func(tx recordings.Tx) error {
			require.NoError(t, tx.PutRecording(fullRecording("r1", "a.pcap")))
			require.NoError(t, tx.PutSetting("k", "v"))
			return boom
		})
		assert.ErrorIs(t, err, boom)
		view(t, s, func(tx recordings.Tx) error {
			_, err := tx.Recording("r1")
			assert.Equal(t, recordings.NotFound, recordings.ErrorCode(err))
			_, ok, err := tx.Setting("k")
			require.NoError(t, err)
			assert.False(t, ok)
			return nil
		})
	})
	t.Run("ViewIsReadOnly", func(t *testing.T) {
		s := newStore(t)
		err := s.View(context.Background(), func(tx recordings.Tx) error { return tx.PutSetting("k", "v") })
		assert.Error(t, err)
	})
	t.Run("DeleteKeepsAuditAndUploads", func(t *testing.T) {
		s := newStore(t)
		update(t, s, func(tx recordings.Tx) error {
			r := fullRecording("r1", "a.pcap")
			require.NoError(t, tx.PutRecording(r))
			require.NoError(t, tx.PutJob(recordings.Job{RecordingID: "r1", Created: at(1)}))
			require.NoError(t, tx.PutUpload(recordings.Upload{ID: "u1", RecordingID: "r1", FileName: "a.pcap", BlobKey: "pcap/r1/u1.pcap", Started: at(1)}))
			require.NoError(t, tx.AddNote(&recordings.Note{RecordingID: "r1", Author: "alice", Time: at(2), Text: "hi"}))
			return tx.AppendAudit(&recordings.AuditEntry{Time: at(3), Actor: "alice", Action: recordings.ActionNote, RecordingID: "r1", Owner: "alice"})
		})
		update(t, s, func(tx recordings.Tx) error { return tx.DeleteRecording("r1") })
		view(t, s, func(tx recordings.Tx) error {
			notes, err := tx.Notes("r1")
			require.NoError(t, err)
			assert.Empty(t, notes)
			jobs, err := tx.Jobs()
			require.NoError(t, err)
			assert.Empty(t, jobs)
			ups, err := tx.Uploads()
			require.NoError(t, err)
			assert.Len(t, ups, 1)
			es, err := tx.Audit(recordings.AuditQuery{RecordingID: "r1"})
			require.NoError(t, err)
			assert.Len(t, es, 1)
			return nil
		})
	})
	t.Run("ListOrderAndPaging", func(t *testing.T) {
		s := newStore(t)
		update(t, s, func(tx recordings.Tx) error {
			for i := range 25 {
				r := fullRecording(fmt.Sprintf("r%02d", i), fmt.Sprintf("f%02d.pcap", i))
				r.Start = at(i / 2) // pairs share a start: ties break by ID
				require.NoError(t, tx.PutRecording(r))
			}
			return nil
		})
		var seen []string
		var after *recordings.Cursor
		for {
			var page []*recordings.Recording
			view(t, s, func(tx recordings.Tx) error {
				var err error
				page, err = tx.Recordings(recordings.Query{After: after, Limit: 7})
				return err
			})
			if len(page) == 0 {
				break
			}
			assert.LessOrEqual(t, len(page), 7)
			for _, r := range page {
				seen = append(seen, r.ID)
			}
			last := page[len(page)-1]
			after = &recordings.Cursor{Start: last.Start, ID: last.ID}
		}
		var want []string
		for i := 24; i >= 0; i-- {
			want = append(want, fmt.Sprintf("r%02d", i))
		}
		assert.Equal(t, want, seen)
		view(t, s, func(tx recordings.Tx) error {
			all, err := tx.Recordings(recordings.Query{})
			require.NoError(t, err)
			assert.Len(t, all, 25, "Limit 0 means 50")
			return nil
		})
	})
	t.Run("ListFilters", func(t *testing.T) { testListFilters(t, newStore(t)) })
	t.Run("Jobs", func(t *testing.T) {
		s := newStore(t)
		update(t, s, func(tx recordings.Tx) error {
			require.NoError(t, tx.PutJob(recordings.Job{RecordingID: "b", Created: at(2)}))
			require.NoError(t, tx.PutJob(recordings.Job{RecordingID: "a", Created: at(1)}))
			require.NoError(t, tx.PutJob(recordings.Job{RecordingID: "b", Created: at(3)})) // replaces
			return tx.DeleteJob("missing")
		})
		view(t, s, func(tx recordings.Tx) error {
			jobs, err := tx.Jobs()
			require.NoError(t, err)
			require.Len(t, jobs, 2)
			assert.Equal(t, "a", jobs[0].RecordingID)
			assert.Equal(t, "b", jobs[1].RecordingID)
			assert.True(t, jobs[1].Created.Equal(at(3)))
			return nil
		})
		update(t, s, func(tx recordings.Tx) error { return tx.DeleteJob("a") })
		view(t, s, func(tx recordings.Tx) error {
			jobs, err := tx.Jobs()
			require.NoError(t, err)
			assert.Len(t, jobs, 1)
			return nil
		})
	})
	t.Run("Uploads", func(t *testing.T) {
		s := newStore(t)
		u := recordings.Upload{ID: "u1", RecordingID: "r1", FileName: "a b.pcap", BlobKey: "pcap/r1/u1.pcap", Started: at(5)}
		update(t, s, func(tx recordings.Tx) error {
			require.NoError(t, tx.PutUpload(u))
			return tx.PutUpload(recordings.Upload{ID: "u0", RecordingID: "r0", FileName: "x", BlobKey: "k", Started: at(1)})
		})
		view(t, s, func(tx recordings.Tx) error {
			ups, err := tx.Uploads()
			require.NoError(t, err)
			require.Len(t, ups, 2)
			assert.Equal(t, "u0", ups[0].ID)
			assert.Equal(t, u.FileName, ups[1].FileName)
			assert.Equal(t, u.BlobKey, ups[1].BlobKey)
			assert.True(t, ups[1].Started.Equal(u.Started))
			return nil
		})
		update(t, s, func(tx recordings.Tx) error {
			require.NoError(t, tx.DeleteUpload("u0"))
			return tx.DeleteUpload("u0")
		})
		view(t, s, func(tx recordings.Tx) error {
			ups, err := tx.Uploads()
			require.NoError(t, err)
			assert.Len(t, ups, 1)
			return nil
		})
	})
	t.Run("Notes", func(t *testing.T) {
		s := newStore(t)
		var n1, n2 recordings.Note
		update(t, s, func(tx recordings.Tx) error {
			n1 = recordings.Note{RecordingID: "r1", Author: "alice", Time: at(1), Text: "first <b>"}
			n2 = recordings.Note{RecordingID: "r1", Author: "bob", Time: at(2), Text: "zweite Notiz ✓"}
			require.NoError(t, tx.AddNote(&n1))
			require.NoError(t, tx.AddNote(&n2))
			return tx.AddNote(&recordings.Note{RecordingID: "r2", Author: "x", Time: at(3), Text: "other"})
		})
		assert.Greater(t, n2.ID, n1.ID)
		view(t, s, func(tx recordings.Tx) error {
			notes, err := tx.Notes("r1")
			require.NoError(t, err)
			require.Len(t, notes, 2)
			assert.Equal(t, n1.Text, notes[0].Text)
			assert.Equal(t, n2.Author, notes[1].Author)
			assert.True(t, notes[1].Time.Equal(n2.Time))
			return nil
		})
	})
	t.Run("Audit", func(t *testing.T) {
		s := newStore(t)
		update(t, s, func(tx recordings.Tx) error {
			for i := range 10 {
				owner := "alice"
				if i%2 == 1 {
					owner = "bob"
				}
				e := &recordings.AuditEntry{Time: at(i), Actor: owner, Action: recordings.ActionListen, RecordingID: fmt.Sprintf("r%d", i%3), Owner: owner, Detail: "d"}
				require.NoError(t, tx.AppendAudit(e))
				require.NotZero(t, e.ID)
			}
			return nil
		})
		view(t, s, func(tx recordings.Tx) error {
			all, err := tx.Audit(recordings.AuditQuery{})
			require.NoError(t, err)
			require.Len(t, all, 10)
			for i := 1; i < len(all); i++ {
				assert.Greater(t, all[i-1].ID, all[i].ID, "newest first")
			}
			alice := "alice"
			mine, err := tx.Audit(recordings.AuditQuery{Owner: &alice})
			require.NoError(t, err)
			assert.Len(t, mine, 5)
			for _, e := range mine {
				assert.Equal(t, "alice", e.Owner)
			}
			r0, err := tx.Audit(recordings.AuditQuery{RecordingID: "r0"})
			require.NoError(t, err)
			assert.Len(t, r0, 4)
			page, err := tx.Audit(recordings.AuditQuery{Before: all[2].ID, Limit: 3})
			require.NoError(t, err)
			require.Len(t, page, 3)
			assert.Equal(t, all[3].ID, page[0].ID)
			assert.True(t, all[0].Time.Equal(at(9)))
			assert.Equal(t, recordings.ActionListen, all[0].Action)
			return nil
		})
		update(t, s, func(tx recordings.Tx) error {
			require.NoError(t, tx.SetAuditOwner("r0", "carol"))
			return tx.SetAuditOwner("missing", "carol")
		})
		view(t, s, func(tx recordings.Tx) error {
			carol, alice := "carol", "alice"
			theirs, err := tx.Audit(recordings.AuditQuery{Owner: &carol})
			require.NoError(t, err)
			require.Len(t, theirs, 4, "every entry about r0 follows its new owner")
			for _, e := range theirs {
				assert.Equal(t, "r0", e.RecordingID)
				assert.Equal(t, "d", e.Detail, "nothing else of an entry changes")
			}
			mine, err := tx.Audit(recordings.AuditQuery{Owner: &alice})
			require.NoError(t, err)
			for _, e := range mine {
				assert.NotEqual(t, "r0", e.RecordingID)
			}
			return nil
		})
	})
	t.Run("Settings", func(t *testing.T) {
		s := newStore(t)
		view(t, s, func(tx recordings.Tx) error {
			v, ok, err := tx.Setting("retention_days")
			require.NoError(t, err)
			assert.False(t, ok)
			assert.Empty(t, v)
			return nil
		})
		update(t, s, func(tx recordings.Tx) error {
			require.NoError(t, tx.PutSetting("retention_days", "30"))
			require.NoError(t, tx.PutSetting("retention_days", "31"))
			return tx.PutSetting("empty", "")
		})
		view(t, s, func(tx recordings.Tx) error {
			v, ok, err := tx.Setting("retention_days")
			require.NoError(t, err)
			assert.True(t, ok)
			assert.Equal(t, "31", v)
			v, ok, err = tx.Setting("empty")
			require.NoError(t, err)
			assert.True(t, ok, "an empty value is still set")
			assert.Empty(t, v)
			return nil
		})
	})
	t.Run("ConcurrentUpdates", func(t *testing.T) {
		s := newStore(t)
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := range 40 {
			wg.Go(func() {
				errs <- s.Update(context.Background(), func(tx recordings.Tx) error {
					return tx.PutRecording(fullRecording(fmt.Sprintf("c%02d", i), fmt.Sprintf("c%02d.pcap", i)))
				})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		view(t, s, func(tx recordings.Tx) error {
			all, err := tx.Recordings(recordings.Query{Limit: 100})
			require.NoError(t, err)
			assert.Len(t, all, 40)
			return nil
		})
	})
}

func testListFilters(t *testing.T, s recordings.Store) {
	type rec struct {
		id, owner, remote, number string
		start                     int
		dir                       recordings.Direction
		dur                       time.Duration
		status                    recordings.Status
		state                     recordings.CallState
		guid                      string
		protected, unlicensed     bool
		completed                 int
	}
	recs := []rec{
		{"a1", "alice", "Bob Builder", "+4930123", 10, recordings.DirectionIn, 30 * time.Second, recordings.StatusReady, recordings.CallCDR, "00000000000000000000000000000001", false, false, 11},
		{"a2", "alice", "Carol 100%", "200", 20, recordings.DirectionOut, 90 * time.Second, recordings.StatusReady, recordings.CallCDR, "00000000000000000000000000000002", true, false, 21},
		{"a3", "alice", "Dave_x", "300", 30, recordings.DirectionInternal, 5 * time.Second, recordings.StatusFailed, recordings.CallCDR, "00000000000000000000000000000003", false, true, 31},
		{"b1", "bob", "Alice", "100", 15, recordings.DirectionIn, 60 * time.Second, recordings.StatusReady, recordings.CallNoCDR, "00000000000000000000000000000001", false, false, 16},
		{"p1", "", "", "", 40, "", 0, recordings.StatusReceiving, recordings.CallPending, "00000000000000000000000000000004", false, false, 0},
		{"p2", "", "", "", 50, "", 10 * time.Second, recordings.StatusStored, recordings.CallPending, "00000000000000000000000000000005", false, false, 51},
	}
	update(t, s, func(tx recordings.Tx) error {
		for _, r := range recs {
			x := fullRecording(r.id, r.id+"-file.pcap")
			x.Owner, x.RemoteName, x.RemoteNumber = r.owner, r.remote, r.number
			x.Start, x.Direction, x.Media.Duration, x.Status, x.CallState = at(r.start), r.dir, r.dur, r.status, r.state
			x.Name.GUID, x.Protected, x.Unlicensed = r.guid, r.protected, r.unlicensed
			x.UploadCompleted = time.Time{}
			if r.completed > 0 {
				x.UploadCompleted = at(r.completed)
			}
			require.NoError(t, tx.PutRecording(x))
		}
		return nil
	})
	alice, nobody := "alice", ""
	yes, no := true, false
	cases := []struct {
		name string
		q    recordings.Query
		want []string
	}{
		{"All", recordings.Query{}, []string{"p2", "p1", "a3", "a2", "b1", "a1"}},
		{"Owner", recordings.Query{Owner: &alice}, []string{"a3", "a2", "a1"}},
		{"NoOwner", recordings.Query{Owner: &nobody}, []string{"p2", "p1"}},
		{"OwnerAndDates", recordings.Query{Owner: &alice, From: at(10), To: at(30)}, []string{"a2", "a1"}},
		{"TextRemoteName", recordings.Query{Text: "builder"}, []string{"a1"}},
		{"TextNumber", recordings.Query{Text: "4930"}, []string{"a1"}},
		{"TextOwner", recordings.Query{Text: "bob"}, []string{"b1", "a1"}},
		{"TextFileName", recordings.Query{Text: "p2-file"}, []string{"p2"}},
		{"TextPercentIsLiteral", recordings.Query{Text: "100%"}, []string{"a2"}},
		{"TextUnderscoreIsLiteral", recordings.Query{Text: "e_x"}, []string{"a3"}},
		{"Direction", recordings.Query{Direction: recordings.DirectionIn}, []string{"b1", "a1"}},
		{"MinDuration", recordings.Query{MinDuration: time.Minute}, []string{"a2", "b1"}},
		{"MaxDuration", recordings.Query{MaxDuration: 10 * time.Second, Status: recordings.StatusStored}, []string{"p2"}},
		{"Status", recordings.Query{Status: recordings.StatusFailed}, []string{"a3"}},
		{"CallState", recordings.Query{CallState: recordings.CallPending}, []string{"p2", "p1"}},
		{"GUID", recordings.Query{GUID: "00000000000000000000000000000001"}, []string{"b1", "a1"}},
		{"Protected", recordings.Query{Protected: &yes}, []string{"a2"}},
		{"Unprotected", recordings.Query{Protected: &no, Owner: &alice}, []string{"a3", "a1"}},
		{"ExcludeUnlicensed", recordings.Query{Owner: &alice, ExcludeUnlicensed: true}, []string{"a2", "a1"}},
		{"CompletedBefore", recordings.Query{CompletedBefore: at(50)}, []string{"a3", "a2", "b1", "a1"}},
		{"PendingCompletedBefore", recordings.Query{CallState: recordings.CallPending, CompletedBefore: at(60)}, []string{"p2"}},
		{"Limit", recordings.Query{Limit: 2}, []string{"p2", "p1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			view(t, s, func(tx recordings.Tx) error {
				got, err := tx.Recordings(c.q)
				require.NoError(t, err)
				ids := []string{}
				for _, r := range got {
					ids = append(ids, r.ID)
				}
				assert.Equal(t, c.want, ids)
				return nil
			})
		})
	}
}

// at returns a fixed time plus i minutes.
func at(i int) time.Time {
	return time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC).Add(time.Duration(i) * time.Minute)
}

// fullRecording returns a recording with every field set.
func fullRecording(id, name string) *recordings.Recording {
	return &recordings.Recording{
		ID: id, FileName: name, Name: recordings.ParseFileName(name),
		UploadStarted: at(0), UploadCompleted: at(1), Created: at(1),
		PCAP:    recordings.BlobRef{Key: "pcap/" + id + "/u.pcap", Size: 1234, SHA256: "ab"},
		WAV:     recordings.BlobRef{Key: "wav/" + id + "/w.wav", Size: 5678, SHA256: "cd"},
		Partial: true, Status: recordings.StatusReady, Failure: "",
		Media: recordings.Media{
			Codecs: []string{"PCMA", "G722"}, Duration: 61500 * time.Millisecond,
			Stats:    []recordings.StreamStats{{Direction: "local", Codec: "PCMA", Packets: 100, Lost: 2, Duplicates: 1, Late: 3, JitterMS: 1.5}},
			Streams:  json.RawMessage(`[{"direction":"local"}]`),
			Warnings: []string{"capture cut short"}, CaptureStart: at(-1),
		},
		CallState: recordings.CallCDR, Owner: "alice", OwnerSet: at(3), RemoteName: "Bob <b>", RemoteNumber: "+49 30 123",
		Direction: recordings.DirectionOut, External: true, Start: at(-2), CDRStart: at(-2), TalkTime: 58 * time.Second, CDRRef: "cdr-1",
		Protected: true, Unlicensed: true,
	}
}

func assertRecording(t *testing.T, want, got *recordings.Recording) {
	t.Helper()
	for _, p := range []struct {
		name string
		w, g time.Time
	}{
		{"UploadStarted", want.UploadStarted, got.UploadStarted},
		{"UploadCompleted", want.UploadCompleted, got.UploadCompleted},
		{"Created", want.Created, got.Created},
		{"CaptureStart", want.Media.CaptureStart, got.Media.CaptureStart},
		{"Start", want.Start, got.Start},
		{"CDRStart", want.CDRStart, got.CDRStart},
		{"OwnerSet", want.OwnerSet, got.OwnerSet},
	} {
		assert.True(t, p.w.Equal(p.g), "%s: want %v, got %v", p.name, p.w, p.g)
	}
	w, g := want.Clone(), got.Clone()
	for _, r := range []*recordings.Recording{w, g} {
		r.UploadStarted, r.UploadCompleted, r.Created, r.Media.CaptureStart, r.Start, r.OwnerSet, r.CDRStart = time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
	}
	if len(w.Media.Streams) > 0 || len(g.Media.Streams) > 0 {
		assert.JSONEq(t, string(w.Media.Streams), string(g.Media.Streams))
	}
	w.Media.Streams, g.Media.Streams = nil, nil
	assert.Equal(t, w, g)
}

func update(t *testing.T, s recordings.Store, fn func(recordings.Tx) error) {
	t.Helper()
	require.NoError(t, s.Update(context.Background(), fn))
}

func view(t *testing.T, s recordings.Store, fn func(recordings.Tx) error) {
	t.Helper()
	require.NoError(t, s.View(context.Background(), fn))
}
