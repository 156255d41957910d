package licensing_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/licensing"
)

var t0 = time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)

// op is one event applied to an engine.
type op struct {
	name string
	do   func(e *licensing.Engine) ([]licensing.Decision, error)
}

// randomOps returns n random events over small pools of names and IDs, so
// that duplicates, unknown IDs and every rule come up.
func randomOps(rnd *rand.Rand, n int) []op {
	users := []string{"ann", "bea", "cid", "dan", "zed"}
	groups := []string{"g1", "g2"}
	steps := []time.Duration{0, time.Second, time.Hour, 12 * time.Hour, 24*time.Hour - time.Second, 25 * time.Hour}
	ops := make([]op, n)
	for i := range ops {
		u, g, id := pick(rnd, users), pick(rnd, groups), fmt.Sprintf("r%d", rnd.IntN(60))
		switch rnd.IntN(12) {
		case 0:
			k := rnd.IntN(5)
			ops[i] = op{fmt.Sprint("licenses ", k), func(e *licensing.Engine) ([]licensing.Decision, error) { return e.SetLicenses(k) }}
		case 1:
			ops[i] = op{"user " + u, func(e *licensing.Engine) ([]licensing.Decision, error) { return e.AddUser(u) }}
		case 2:
			ops[i] = op{"deluser " + u, func(e *licensing.Engine) ([]licensing.Decision, error) { return e.RemoveUser(u) }}
		case 3:
			if rnd.IntN(3) == 0 {
				g = ""
			}
			ops[i] = op{"group " + g, func(e *licensing.Engine) ([]licensing.Decision, error) { return e.SetGroup(g) }}
		case 4:
			ops[i] = op{"member " + g + " " + u, func(e *licensing.Engine) ([]licensing.Decision, error) { return e.AddMember(g, u) }}
		case 5:
			ops[i] = op{"unmember " + g + " " + u, func(e *licensing.Engine) ([]licensing.Decision, error) { return e.RemoveMember(g, u) }}
		case 6, 7:
			d := pick(rnd, steps)
			ops[i] = op{"advance " + d.String(), func(e *licensing.Engine) ([]licensing.Decision, error) { return e.Advance(e.Now().Add(d)) }}
		case 8:
			owner, back, prot := pick(rnd, append(users, "")), time.Duration(rnd.IntN(3))*time.Hour, rnd.IntN(4) == 0
			ops[i] = op{"record " + id + " " + owner, func(e *licensing.Engine) ([]licensing.Decision, error) {
				return e.AddRecording(licensing.Recording{ID: id, Owner: owner, Created: e.Now().Add(-back), Protected: prot})
			}}
		case 9:
			owner := pick(rnd, append(users, ""))
			ops[i] = op{"owner " + id + " " + owner, func(e *licensing.Engine) ([]licensing.Decision, error) { return e.SetOwner(id, owner) }}
		case 10:
			ops[i] = op{"delete " + id, func(e *licensing.Engine) ([]licensing.Decision, error) { return e.DeleteRecording(id) }}
		default:
			p := rnd.IntN(2) == 0
			ops[i] = op{fmt.Sprint("protect ", id, " ", p), func(e *licensing.Engine) ([]licensing.Decision, error) { return e.SetProtected(id, p) }}
		}
	}
	return ops
}

// requireSame checks that two engines are in the same state.
func requireSame(t *testing.T, a, b *licensing.Engine, where string) {
	t.Helper()
	require.Equal(t, a.Snapshot(), b.Snapshot(), where)
	require.Equal(t, slices.Collect(a.Recordings()), slices.Collect(b.Recordings()), where)
	require.Equal(t, a.Status(1_000_000), b.Status(1_000_000), where)
}

// TestSnapshotRestoreReproduces cuts random histories at a random point,
// rebuilds a second engine from the JSON snapshot and the recordings, and
// checks that both are in the same state and decide the same from there on.
func TestSnapshotRestoreReproduces(t *testing.T) {
	for seed := range uint64(200) {
		rnd := rand.New(rand.NewPCG(seed, 0x5a))
		ops := randomOps(rnd, 500)
		cut := 50 + rnd.IntN(400)
		a := licensing.New(t0)
		for _, o := range ops[:cut] {
			_, _ = o.do(a)
		}

		blob, err := json.Marshal(a.Snapshot())
		require.NoError(t, err)
		var s licensing.Snapshot
		require.NoError(t, json.Unmarshal(blob, &s))
		b, err := licensing.Restore(s)
		require.NoError(t, err)
		d, err := b.Load(a.Recordings())
		require.NoError(t, err)
		require.Empty(t, d, "seed %d: loading a consistent store decides nothing", seed)
		requireSame(t, a, b, fmt.Sprintf("seed %d after restore", seed))

		for i, o := range ops[cut:] {
			before := a.Snapshot()
			da, ea := o.do(a)
			db, eb := o.do(b)
			where := fmt.Sprintf("seed %d op %d %s", seed, cut+i, o.name)
			require.Equal(t, ea, eb, where)
			require.Equal(t, da, db, where)
			// As documented: persisting the snapshot after claims,
			// releases and input changes is enough.
			after := a.Snapshot()
			before.Now, after.Now = time.Time{}, time.Time{}
			input := slices.ContainsFunc([]string{"licenses", "user", "deluser", "group", "member", "unmember"},
				func(p string) bool { return strings.HasPrefix(o.name, p+" ") })
			claims := slices.ContainsFunc(da, func(d licensing.Decision) bool {
				return d.Kind == licensing.KindClaim || d.Kind == licensing.KindRelease
			})
			if !input && !claims {
				require.Equal(t, before, after, "snapshot changed without claim or release: %s", where)
			}
		}
		requireSame(t, a, b, fmt.Sprintf("seed %d at the end", seed))
	}
}

// TestLoadSettles: a snapshot older than the store (a recording stored
// after the last snapshot) gives real decisions at Load, once.
func TestLoadSettles(t *testing.T) {
	a := licensing.New(t0)
	for _, o := range []func() ([]licensing.Decision, error){
		func() ([]licensing.Decision, error) { return a.SetLicenses(1) },
		func() ([]licensing.Decision, error) { return a.AddUser("ann") },
	} {
		_, err := o()
		require.NoError(t, err)
	}
	b, err := licensing.Restore(a.Snapshot())
	require.NoError(t, err)
	d, err := b.Load(slices.Values([]licensing.Recording{
		{ID: "r1", Owner: "ann", Created: t0},
		{ID: "r2", Owner: "ann", Created: t0.Add(-time.Hour)},
	}))
	require.NoError(t, err)
	require.Len(t, d, 3)
	require.Equal(t, licensing.KindClaim, d[0].Kind)
	require.Equal(t, "ann", d[0].User)
	require.Equal(t, []string{"r2", "r1"}, []string{d[1].Recording, d[2].Recording}, "creation order")
	require.Equal(t, licensing.Accessible, d[2].State)
}

// TestSnapshotGolden pins the JSON form of the snapshot, which the
// recordings service persists.
func TestSnapshotGolden(t *testing.T) {
	e := licensing.New(t0)
	mustDo := must(t)
	mustDo(e.SetLicenses(2))
	mustDo(e.AddUser("ann"))
	mustDo(e.AddUser("bea"))
	mustDo(e.SetGroup("sales"))
	mustDo(e.AddMember("sales", "ann"))
	mustDo(e.AddMember("sales", "bea"))
	mustDo(e.AddMember("support", "cid"))
	mustDo(e.AddRecording(licensing.Recording{ID: "r1", Owner: "bea", Created: t0}))
	mustDo(e.Advance(t0.Add(time.Hour)))
	mustDo(e.AddRecording(licensing.Recording{ID: "r2", Owner: "ann", Created: t0.Add(time.Hour)}))
	mustDo(e.Advance(t0.Add(2 * time.Hour)))
	mustDo(e.RemoveMember("sales", "bea"))
	blob, err := json.MarshalIndent(e.Snapshot(), "", "  ")
	require.NoError(t, err)
	golden(t, "snapshot.json", blob)
}

// must returns a function that fails t on an event's error and returns its
// decisions: must(t)(e.AddUser("ann")).
func must(t *testing.T) func([]licensing.Decision, error) []licensing.Decision {
	return func(d []licensing.Decision, err error) []licensing.Decision {
		t.Helper()
		require.NoError(t, err)
		return d
	}
}
