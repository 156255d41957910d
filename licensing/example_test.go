package licensing_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/f0fce437/callrec/licensing"
)

// A group mode day: one licence, two members; the second member's recording
// is deleted 24 h later unless a licence frees up first.
func Example() {
	start := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	e := licensing.New(start)
	show := func(ds []licensing.Decision, err error) {
		if err != nil {
			fmt.Println("error:", err)
		}
		for _, d := range ds {
			if d.Recording == "" {
				fmt.Println(d.At.Format(time.DateTime), d.Kind, d.User)
			} else {
				fmt.Println(d.At.Format(time.DateTime), d.Kind, d.User, d.Recording, d.State)
			}
		}
	}
	show(e.SetLicenses(1))
	show(e.AddUser("alice"))
	show(e.AddUser("bob"))
	show(e.SetGroup("sales"))
	show(e.AddMember("sales", "alice"))
	show(e.AddMember("sales", "bob"))
	show(e.AddRecording(licensing.Recording{ID: "r1", Owner: "alice", Created: start}))
	show(e.AddRecording(licensing.Recording{ID: "r2", Owner: "bob", Created: start}))
	show(e.Advance(start.Add(24 * time.Hour)))
	// Output:
	// 2026-01-01 10:00:00 claim alice
	// 2026-01-01 10:00:00 state alice r1 accessible
	// 2026-01-01 10:00:00 state bob r2 unlicensed
	// 2026-01-02 10:00:00 delete bob r2 deleted
}

// Persisting the history and rebuilding the engine at start: Restore the
// snapshot, then Load the recordings from the store.
func ExampleRestore() {
	start := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	e := licensing.New(start)
	_, _ = e.SetLicenses(1)
	_, _ = e.AddUser("alice")
	_, _ = e.AddRecording(licensing.Recording{ID: "r1", Owner: "alice", Created: start})

	blob, _ := json.Marshal(e.Snapshot()) // the service stores this
	stored := slices.Collect(e.Recordings())

	var s licensing.Snapshot
	_ = json.Unmarshal(blob, &s)
	again, err := licensing.Restore(s)
	if err != nil {
		panic(err)
	}
	decisions, err := again.Load(slices.Values(stored))
	fmt.Println(len(decisions), err)
	st, _ := again.State("r1")
	fmt.Println(again.Holders()[0].User, st)
	// Output:
	// 0 <nil>
	// alice accessible
}

// The admin view, as served to the admin app.
func ExampleEngine_Status() {
	start := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	e := licensing.New(start)
	_, _ = e.AddUser("bob")
	_, _ = e.SetGroup("sales")
	_, _ = e.AddMember("sales", "bob")
	_, _ = e.AddRecording(licensing.Recording{ID: "r2", Owner: "bob", Created: start})
	st := e.Status(10)
	fmt.Println(st.Mode, st.Allocated, st.Claimed, st.Waiting[0].User)
	fmt.Println(st.NextDeletions[0].ID, st.NextDeletions[0].At.Format(time.RFC3339))
	// Output:
	// group 0 0 bob
	// r2 2026-01-02T10:00:00Z
}
