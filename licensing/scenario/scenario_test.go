package scenario_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/licensing/scenario"
)

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, line, msg string }{
		{"unknown command", "frobnicate", `unknown command "frobnicate"`},
		{"too few arguments", "record r1", "record takes 2 argument(s), got 1"},
		{"too many arguments", "print now", "print takes 0 argument(s), got 1"},
		{"negative count", "licenses -1", `licenses: "-1" is not a count (0 or more)`},
		{"not a count", "licenses many", `licenses: "many" is not a count (0 or more)`},
		{"name with comma", "user a,b", `"a,b" is not a name (no comma; "-" means none)`},
		{"dash user", "user -", `"-" is not a name (no comma; "-" means none)`},
		{"dash member", "member -", `"-" is not a name (no comma; "-" means none)`},
		{"bad time", "at 2026-01-01", `at: "2026-01-01" is not an RFC 3339 time (2026-01-01T10:00:00Z)`},
		{"bad duration", "advance 1d", `advance: "1d" is not a duration of 0 or more (25h, 90m)`},
		{"negative duration", "advance -1h", `advance: "-1h" is not a duration of 0 or more (25h, 90m)`},
		{"reserved ID", "record holders alice", `"holders" is reserved and cannot be a recording ID`},
		{"owner with comma", "owner r1 a,b", `"a,b" is not a name (no comma; "-" means none)`},
		{"unknown state", "expect r1 gone", `expect: unknown state "gone" (accessible, unlicensed, deleted, ownerless)`},
		{"holders with empty name", "expect holders a,,b", `"" is not a name (no comma; "-" means none)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scenario.Parse("f.lic", strings.NewReader("# comment\n\n  "+tc.line+"  # trailing\n"))
			require.ErrorIs(t, err, scenario.ErrBadScript)
			var e *scenario.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, "f.lic:3: "+tc.msg, e.Error())
		})
	}
}

func TestParseAccepts(t *testing.T) {
	src := "licenses 0\tuser  alice # tabs and spaces\n" +
		"group -\ngroup sales\nmember alice\nat 2026-01-01T10:00:00+02:00\nadvance 0s\n" +
		"record r1 -\nowner r1 alice\nexpect holders -\nexpect holders alice,bob\nexpect r1 ownerless\n"
	_, err := scenario.Parse("f.lic", strings.NewReader(src))
	require.ErrorContains(t, err, "f.lic:1: licenses takes 1 argument(s), got 3", "a tab separates words too")
	s, err := scenario.Parse("f.lic", strings.NewReader(strings.Replace(src, "\tuser", "\nuser", 1)))
	require.NoError(t, err)
	assert.Len(t, s.Commands, 12)
	assert.Equal(t, 2, s.Commands[1].Line)
	assert.Equal(t, "user alice", s.Commands[1].String())
}

func TestParseLongLine(t *testing.T) {
	_, err := scenario.Parse("f.lic", strings.NewReader("print\n"+strings.Repeat("x", 100<<10)))
	require.ErrorIs(t, err, scenario.ErrBadScript)
	assert.ErrorContains(t, err, "f.lic:2: cannot read")
}

func TestCannotApply(t *testing.T) {
	tests := []struct{ name, src, msg string }{
		{"unknown ID", "protect r9", `f.lic:1: unknown recording "r9"`},
		{"deleted ID", "record r1 -\ndelete r1\nunprotect r1", `f.lic:3: recording "r1" is deleted`},
		{"duplicate ID", "record r1 -\nrecord r1 alice", `f.lic:2: duplicate recording "r1"`},
		{"deleted ID reused", "record r1 -\ndelete r1\nrecord r1 -", `f.lic:3: duplicate recording "r1"`},
		{"expect unknown ID", "expect r1 deleted", `f.lic:1: unknown recording "r1"`},
		{"owner of unknown", "owner r1 alice", `f.lic:1: unknown recording "r1"`},
		{"member in open mode", "member alice", "f.lic:1: member: no recordings group is set (open mode)"},
		{"unmember in open mode", "group g\ngroup -\nunmember alice", "f.lic:3: unmember: no recordings group is set (open mode)"},
		{"clock backwards", "advance 1h\nat 2000-01-01T00:59:59Z", "f.lic:2: licensing: clock going backwards: 2000-01-01T00:59:59Z is before 2000-01-01T01:00:00Z"},
		{"delete protected", "record r1 alice\nprotect r1\ndelete r1", `f.lic:3: licensing: recording is protected: "r1"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := scenario.Parse("f.lic", strings.NewReader(tc.src))
			require.NoError(t, err)
			_, err = s.Run(io.Discard, scenario.Options{})
			require.ErrorIs(t, err, scenario.ErrBadScript)
			assert.EqualError(t, err, tc.msg)
		})
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRunWriteError(t *testing.T) {
	s, err := scenario.Parse("f.lic", strings.NewReader("print\nuser a"))
	require.NoError(t, err)
	_, err = s.Run(failWriter{}, scenario.Options{})
	assert.EqualError(t, err, "disk full")
}

func TestRunnerObserve(t *testing.T) {
	var steps []scenario.Step
	var out bytes.Buffer
	r := scenario.NewRunner("f.lic", &out, scenario.Options{Observe: func(s scenario.Step) { steps = append(steps, s) }})
	s, err := scenario.Parse("f.lic", strings.NewReader("licenses 1\nuser a\nrecord r1 a\nexpect holders b"))
	require.NoError(t, err)
	for _, c := range s.Commands {
		require.NoError(t, r.Exec(c))
	}
	require.Len(t, steps, 4)
	assert.Len(t, steps[2].Decisions, 2, "claim and the recording's state")
	assert.Equal(t, scenario.Result{Expects: 1, Failures: 1}, r.Result())
	assert.Equal(t, "f.lic:4: expected b, got a\n", out.String())
}
