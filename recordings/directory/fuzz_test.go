package directory_test

import (
	"context"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/cdr"
	"github.com/f0fce437/callrec/recordings/directory"
)

// FuzzLearn feeds whatever CDRs the parser accepts to a directory with a
// licence engine: nothing panics, the engine takes every change, and every
// name the directory keeps is one it accepts.
func FuzzLearn(f *testing.F) {
	f.Add(userCDR("carol", "Carol C", 100, grp("recordings")) + userCDR("carol", "C", 50))
	f.Add(userCDR("Zoë", "Zoë &amp; Co", 1, `<grp name="a" mode="active" dyn="in"/><grp name="b" dyn="out"/>`))
	f.Add(strings.Replace(userCDR("trunk", "T", 1, grp("x")), "<user>", `<user pseudo="trunk">`, 1))
	f.Fuzz(func(t *testing.T, xml string) {
		cdrs, _ := cdr.DecodeAll(strings.NewReader(xml), cdr.Limits{})
		eng := newEngine()
		d := directory.New(directory.Config{Licensing: eng})
		entries := make([]cdr.Entry, len(cdrs))
		for i, c := range cdrs {
			entries[i] = cdr.Entry{CDR: c}
		}
		d.CDRsAdded(context.Background(), entries)
		d.CDRsAdded(context.Background(), entries) // again: only as new as the latest
		snap := eng.snapshot()
		for _, name := range snap.Users {
			u, ok := d.Lookup(name)
			require.True(t, ok)
			for _, s := range append([]string{u.Name, u.DisplayName}, u.Groups...) {
				require.True(t, utf8.ValidString(s) && len(s) <= directory.MaxNameLen && !strings.ContainsFunc(s, unicode.IsControl), "%q", s)
			}
			require.LessOrEqual(t, len(u.Groups), directory.MaxGroups)
		}
	})
}
