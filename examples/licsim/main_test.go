package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	td := func(name string) string { return filepath.Join("testdata", name) }
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     string
		stderr     string // exact when set
		stderrPart string // contained
	}{
		{
			name:   "good",
			args:   []string{td("good.lic")},
			code:   0,
			stdout: "r1 alice accessible\nr2 - ownerless\nholders: alice\n",
		},
		{
			name: "failing expectations go on and exit 1",
			args: []string{td("failing.lic")},
			code: 1,
			stdout: td("failing.lic") + ":7: expected accessible, got unlicensed\n" +
				td("failing.lic") + ":8: expected alice,bob, got alice\n" +
				"r1 alice accessible\nr2 bob unlicensed\nholders: alice\n",
		},
		{
			name:   "each file on a fresh state",
			args:   []string{td("good.lic"), td("fresh.lic")},
			code:   0,
			stdout: "r1 alice accessible\nr2 - ownerless\nholders: alice\n",
		},
		{
			name: "a failure in one file of several",
			args: []string{td("failing.lic"), td("good.lic")},
			code: 1,
			stdout: td("failing.lic") + ":7: expected accessible, got unlicensed\n" +
				td("failing.lic") + ":8: expected alice,bob, got alice\n" +
				"r1 alice accessible\nr2 bob unlicensed\nholders: alice\n" +
				"r1 alice accessible\nr2 - ownerless\nholders: alice\n",
		},
		{
			name: "malformed: every bad line, nothing run, exit 2",
			args: []string{td("malformed.lic"), td("good.lic")},
			code: 2,
			stderr: td("malformed.lic") + `:1: licenses: "one" is not a count (0 or more)` + "\n" +
				td("malformed.lic") + ":3: record takes 2 argument(s), got 1\n" +
				td("malformed.lic") + `:4: unknown command "frobnicate"` + "\n" +
				td("malformed.lic") + `:5: expect: unknown state "sleeping" (accessible, unlicensed, deleted, ownerless)` + "\n",
		},
		{
			name:       "clock backwards: runs up to the line, exit 2",
			args:       []string{td("cannot_apply.lic")},
			code:       2,
			stdout:     "r1 alice unlicensed\nholders: -\n",
			stderrPart: td("cannot_apply.lic") + ":4: licensing: clock going backwards: 2025-01-01T10:00:00Z is before 2026-01-01T10:00:00Z",
		},
		{
			name:       "missing file",
			args:       []string{td("nope.lic")},
			code:       2,
			stderrPart: "nope.lic",
		},
		{
			name:       "no file",
			args:       nil,
			code:       2,
			stderrPart: "usage: licsim [-v] FILE...",
		},
		{
			name:       "unknown flag",
			args:       []string{"-x", td("good.lic")},
			code:       2,
			stderrPart: "-x",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tc.args, &stdout, &stderr)
			assert.Equal(t, tc.code, code, "stderr: %s", stderr.String())
			if tc.stdout != "" || tc.code == 0 {
				assert.Equal(t, tc.stdout, stdout.String())
			}
			switch {
			case tc.stderr != "":
				assert.Equal(t, tc.stderr, stderr.String())
			case tc.stderrPart != "":
				assert.Contains(t, stderr.String(), tc.stderrPart)
			default:
				assert.Empty(t, stderr.String())
			}
		})
	}
}

func TestRunVerbose(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"-v", filepath.Join("testdata", "good.lic")}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	assert.Contains(t, stdout.String(), "good.lic:3: claim alice - -: recording r1 created: a free licence went to alice")
	assert.Contains(t, stdout.String(), "good.lic:4: state - r2 ownerless: no owner")
}

// TestRunShippedScenarios runs the licensing package's scenario files
// through the command: all of them hold.
func TestRunShippedScenarios(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "licensing", "testdata", "*.lic"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 0, run(files, &stdout, &stderr), stdout.String()+stderr.String())
	assert.Empty(t, stderr.String())
}
