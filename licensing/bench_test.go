package licensing_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/f0fce437/callrec/licensing"
)

const (
	benchUsers    = 10_000
	benchPerUser  = 100 // 1,000,000 recordings
	benchLicenses = benchUsers / 2
)

// benchEngine builds the PBX of the performance target in group
// mode: 10,000 users, all members, 5,000 licences, 1,000,000 recordings.
// The holders (the first 5,000 users) have recordings over the last 60
// days; the others have recordings from the last 24 h (none due yet) and
// a tenth of them protected.
func benchEngine(b *testing.B) (*licensing.Engine, []string) {
	b.Helper()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := t0.Add(60 * 24 * time.Hour)
	e := licensing.New(t0)
	users := make([]string, benchUsers)
	for i := range users {
		users[i] = fmt.Sprintf("u%05d", i)
		benchDo(b)(e.AddUser(users[i]))
		benchDo(b)(e.AddMember("sales", users[i]))
		benchDo(b)(e.AddMember("sales2", users[i]))
	}
	benchDo(b)(e.SetGroup("sales"))
	benchDo(b)(e.Advance(now))
	benchDo(b)(e.SetLicenses(benchLicenses))
	rnd := rand.New(rand.NewPCG(1, 2))
	_, err := e.Load(func(yield func(licensing.Recording) bool) {
		for i, u := range users {
			for j := range benchPerUser {
				r := licensing.Recording{ID: fmt.Sprintf("%s-%03d", u, j), Owner: u}
				if i < benchLicenses {
					r.Created = now.Add(-time.Duration(rnd.Int64N(int64(60 * 24 * time.Hour))))
				} else {
					// Due from one second after now on: about six a second.
					r.Created = now.Add(time.Second - licensing.Grace + time.Duration(rnd.Int64N(int64(licensing.Grace-time.Second))))
					r.Protected = j%10 == 0
				}
				if !yield(r) {
					return
				}
			}
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	if st := e.Status(1); st.Claimed != benchLicenses || st.Recordings != benchUsers*benchPerUser {
		b.Fatalf("setup: %d holders, %d recordings", st.Claimed, st.Recordings)
	}
	return e, users
}

func benchDo(b *testing.B) func([]licensing.Decision, error) []licensing.Decision {
	return func(d []licensing.Decision, err error) []licensing.Decision {
		if err != nil {
			b.Fatal(err)
		}
		return d
	}
}

func ids(prefix string, n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return s
}

// BenchmarkEngine measures one change on the engine of benchEngine. The
// issue's budget is 50 ms per change.
func BenchmarkEngine(b *testing.B) {
	e, users := benchEngine(b)
	do := benchDo(b)
	waiting := users[benchUsers-1]
	run := 0 // the framework runs each sub-benchmark more than once
	fresh := func(prefix string, n int) []string {
		run++
		return ids(fmt.Sprintf("%s%d-", prefix, run), n)
	}
	// firstHolders returns the first n holders in claim order.
	firstHolders := func(n int) []string {
		hs := e.Holders()[:n]
		names := make([]string, n)
		for i, h := range hs {
			names[i] = h.User
		}
		return names
	}

	b.Run("AddRecording/holder", func(b *testing.B) {
		id := fresh("bh", b.N)
		holder := firstHolders(1)[0]
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			do(e.AddRecording(licensing.Recording{ID: id[i], Owner: holder, Created: e.Now()}))
		}
	})
	b.Run("AddRecording/waiting", func(b *testing.B) {
		id := fresh("bw", b.N)
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			do(e.AddRecording(licensing.Recording{ID: id[i], Owner: waiting, Created: e.Now()}))
		}
	})
	b.Run("SetOwner", func(b *testing.B) {
		id := fresh("bo", b.N)
		for i := range b.N {
			do(e.AddRecording(licensing.Recording{ID: id[i], Created: e.Now()}))
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			do(e.SetOwner(id[i], users[i%benchUsers]))
		}
	})
	b.Run("SetProtected", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			do(e.SetProtected(fmt.Sprintf("%s-%03d", waiting, 1), i%2 == 0))
		}
	})
	// A release (100 recordings closed) and a claim (100 opened).
	b.Run("SetLicenses/shrink-grow", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			do(e.SetLicenses(benchLicenses - i%2))
		}
	})
	// A holder leaving the group: released at once (100 recordings closed),
	// and the first waiting user claims (100 opened). Re-adding the member
	// afterwards is not timed.
	b.Run("RemoveMember/holder", func(b *testing.B) {
		hs := firstHolders(b.N)
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			do(e.RemoveMember("sales", hs[i]))
			b.StopTimer()
			do(e.AddMember("sales", hs[i]))
			b.StartTimer()
		}
	})
	b.Run("RemoveUser/holder", func(b *testing.B) {
		hs := firstHolders(b.N)
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			do(e.RemoveUser(hs[i]))
			b.StopTimer()
			do(e.AddUser(hs[i]))
			b.StartTimer()
		}
	})
	// Renaming the group re-evaluates every user.
	b.Run("SetGroup/rename", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			do(e.SetGroup([]string{"sales2", "sales"}[i%2]))
		}
	})
	b.Run("DeleteRecording", func(b *testing.B) {
		id := fresh("bd", b.N)
		for i := range b.N {
			do(e.AddRecording(licensing.Recording{ID: id[i], Owner: waiting, Created: e.Now()}))
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			do(e.DeleteRecording(id[i]))
		}
	})
	b.Run("Status/100", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			_ = e.Status(100)
		}
	})
	b.Run("Snapshot", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			_ = e.Snapshot()
		}
	})
	// Time passing one second at a time: about six recordings fall due
	// per second in this set-up, each one deleted.
	b.Run("Advance/1s", func(b *testing.B) {
		b.ReportAllocs()
		deleted := 0
		for range b.N {
			deleted += len(do(e.Advance(e.Now().Add(time.Second))))
		}
		b.ReportMetric(float64(deleted)/float64(b.N), "deletions/op")
	})
}

// BenchmarkLoad1M measures rebuilding the engine at start: Restore a
// snapshot and Load 1,000,000 recordings.
func BenchmarkLoad1M(b *testing.B) {
	e, _ := benchEngine(b)
	snap := e.Snapshot()
	var recs []licensing.Recording
	for r := range e.Recordings() {
		recs = append(recs, r)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		f, err := licensing.Restore(snap)
		if err != nil {
			b.Fatal(err)
		}
		d, err := f.Load(func(yield func(licensing.Recording) bool) {
			for _, r := range recs {
				if !yield(r) {
					return
				}
			}
		})
		if err != nil || len(d) != 0 {
			b.Fatal(err, len(d))
		}
	}
}
