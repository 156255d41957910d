package licensing_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/licensing/scenario"
)

// gen writes random but applicable scenario commands, following the model
// to know which recordings are alive.
type gen struct {
	rnd  *rand.Rand
	m    *model
	next int
}

var (
	genUsers  = []string{"ann", "bea", "cid", "dan", "eve"}
	genOwners = append(slices.Clone(genUsers), "zed", "-") // zed never exists
	genGroups = []string{"g1", "g2", "-"}
	genSteps  = []string{"0s", "1s", "1h", "12h", "23h59m59s", "24h", "25h", "100h"}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func (g *gen) live(unprotected bool) []string {
	var ids []string
	for _, r := range g.m.recs {
		if !r.deleted && !(unprotected && r.protected) {
			ids = append(ids, r.id)
		}
	}
	return ids
}

func (g *gen) line() string {
	r := g.rnd
	for {
		switch n := r.IntN(100); {
		case n < 8:
			return fmt.Sprintf("licenses %d", r.IntN(5))
		case n < 16:
			return "user " + pick(r, genUsers)
		case n < 20:
			return "deluser " + pick(r, genUsers)
		case n < 25:
			return "group " + pick(r, genGroups)
		case n < 35 && g.m.group != "":
			return "member " + pick(r, genUsers)
		case n < 40 && g.m.group != "":
			return "unmember " + pick(r, genUsers)
		case n < 55:
			return "advance " + pick(r, genSteps)
		case n < 75:
			g.next++
			return fmt.Sprintf("record r%d %s", g.next, pick(r, genOwners))
		case n < 80:
			if ids := g.live(false); len(ids) > 0 {
				return "owner " + pick(r, ids) + " " + pick(r, genOwners)
			}
		case n < 88:
			if ids := g.live(true); len(ids) > 0 {
				return "delete " + pick(r, ids)
			}
		case n < 94:
			if ids := g.live(false); len(ids) > 0 {
				return "protect " + pick(r, ids)
			}
		default:
			if ids := g.live(false); len(ids) > 0 {
				return "unprotect " + pick(r, ids)
			}
		}
	}
}

func parseLine(t testing.TB, n int, line string) scenario.Command {
	t.Helper()
	s, err := scenario.Parse("random", strings.NewReader(strings.Repeat("\n", n-1)+line))
	require.NoError(t, err)
	require.Len(t, s.Commands, 1)
	return s.Commands[0]
}

// TestRandomSequences drives the engine with random event sequences (fixed
// seeds) and checks after every event, through the model checker: at most
// L holders; no accessible recording of a non-holder; nothing deleted in
// open mode; no deletion before 24 h of continuous unlicensed group mode;
// protected recordings never deleted; holders, claim order, states and
// deletions exactly as the literal reading of the rules says.
func TestRandomSequences(t *testing.T) {
	seqs, steps := 200, 250
	if testing.Short() {
		seqs = 20
	}
	for seed := range uint64(seqs) { // fixed seeds: reproducible
		runRandom(t, seed, steps)
	}
}

func runRandom(t *testing.T, seed uint64, steps int) {
	{
		k := newChecker(t)
		g := &gen{rnd: rand.New(rand.NewPCG(seed, 0x11c)), m: k.m}
		// The checker applies each command to the model after the engine.
		var script strings.Builder
		defer func() {
			if t.Failed() {
				dump(t, seed, script.String())
			}
		}()
		r := scenario.NewRunner("random", io.Discard, scenario.Options{Observe: k.observe})
		for i := 1; i <= steps; i++ {
			line := g.line()
			script.WriteString(line + "\n")
			if err := r.Exec(parseLine(t, i, line)); err != nil {
				t.Fatalf("seed %d: %v\nscript:\n%s", seed, err, script.String())
			}
			if t.Failed() {
				return
			}
		}
	}
}

// dump keeps a failing random script where it can be replayed with licsim.
func dump(t *testing.T, seed uint64, script string) {
	t.Logf("seed %d failed; script:\n%s", seed, script)
}

// FuzzScenario runs arbitrary scenario text: parsing never panics, and a
// script that parses runs with the engine agreeing with the model and
// keeping the invariants after every command until a command cannot apply.
func FuzzScenario(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.lic"))
	require.NoError(f, err)
	for _, file := range files {
		src, err := os.ReadFile(file)
		require.NoError(f, err)
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := scenario.Parse("fuzz", strings.NewReader(string(src)))
		if err != nil {
			require.ErrorIs(t, err, scenario.ErrBadScript)
			return
		}
		k := newChecker(t)
		_, err = s.Run(io.Discard, scenario.Options{Verbose: true, Observe: k.observe})
		if err != nil {
			require.ErrorIs(t, err, scenario.ErrBadScript)
		}
	})
}
