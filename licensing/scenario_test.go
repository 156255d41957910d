package licensing_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/licensing/scenario"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// TestScenarios runs every scenario file: each expectation must hold, the
// engine must agree with the model after every command, and the output
// with every decision and its reason must match the golden file.
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.lic"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".lic")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			require.NoError(t, err)
			s, err := scenario.Parse(filepath.Base(file), bytes.NewReader(src))
			require.NoError(t, err)
			k := newChecker(t)
			var out bytes.Buffer
			res, err := s.Run(&out, scenario.Options{Verbose: true, Observe: k.observe})
			require.NoError(t, err)
			assert.NotZero(t, res.Expects, "a scenario without expectations tests nothing")
			assert.Zero(t, res.Failures, out.String())
			assert.Equal(t, len(s.Commands), k.steps)

			golden(t, name+".out", out.Bytes())
		})
	}
}
