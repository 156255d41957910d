package cdr_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/cdr"
)

// batchFixture is a body as large as a PBX's CDR buffer (300 kB), built from
// the call fixtures with a fresh conference and id per call.
const batchFixture = "batch-300k.xml"

var guidAttr = regexp.MustCompile(`(conf|id)="[0-9a-f]{8}`)

// makeBatch repeats the call fixtures, renumbering conferences and ids, until
// the body holds at least 300 kB.
func makeBatch(t testing.TB) []byte {
	t.Helper()
	var calls [][]byte
	for _, name := range []string{"basic-internal", "trunk-incoming", "trunk-outgoing", "waiting-queue", "consult-transfer", "call-forward"} {
		// Keep the <cdr> elements only: the batch has one wrapping root.
		cdrs, err := cdr.DecodeAll(bytes.NewReader(readFixture(t, name+".xml")), cdr.Limits{})
		require.NoError(t, err)
		var call []byte
		for _, c := range cdrs {
			call = append(append(call, c.Raw...), '\n')
		}
		calls = append(calls, call)
	}
	out := []byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<cdrs>\n")
	for i := 0; len(out) < 300<<10; i++ {
		call := calls[i%len(calls)]
		out = append(out, guidAttr.ReplaceAllFunc(call, func(m []byte) []byte {
			return fmt.Appendf(nil, "%s%08x", m[:len(m)-8], i)
		})...)
	}
	return append(out, "</cdrs>\n"...)
}

// TestBatch reads the 300 kB batch and correlates every call in it; with
// -update it regenerates the fixture.
func TestBatch(t *testing.T) {
	path := filepath.Join("testdata", batchFixture)
	if *update {
		require.NoError(t, os.WriteFile(path, makeBatch(t), 0o644))
	}
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(data), 300<<10)
	assert.Equal(t, string(makeBatch(t)), string(data), "the fixture is what makeBatch generates (-update rewrites it)")

	cdrs := decodeAll(t, data)
	keys := map[cdr.Key]bool{}
	byConf := map[string][]cdr.CDR{}
	for _, c := range cdrs {
		keys[c.Key] = true
		first := c.Confs()[0]
		byConf[first] = append(byConf[first], c)
	}
	assert.Len(t, keys, len(cdrs), "every CDR of the batch is distinct")

	// Each conference resolved as a recording of the gateway (no
	// registration name) with the directory.
	owners := map[string]int{}
	for conf, group := range byConf {
		info := cdr.Resolve(cdr.Recording{Conf: conf}, group, cdr.Policy{Directory: users})
		require.Equal(t, cdr.StateAttached, info.State)
		owners[info.Owner+"/"+info.OwnerRule]++
	}
	summary := struct {
		Bytes, CDRs, Conferences int
		Owners                   []string
	}{Bytes: len(data), CDRs: len(cdrs), Conferences: len(byConf)}
	for k, n := range owners {
		summary.Owners = append(summary.Owners, fmt.Sprintf("%s: %d", k, n))
	}
	sort.Strings(summary.Owners)
	golden(t, "batch-300k.summary.json", summary)
}
