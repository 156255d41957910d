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
// licence engine: nothing panics, the engine takes every change, every
// name the directory keeps is one it accepts, and each device it keeps
// belongs to exactly the user who lists it.
func FuzzLearn(f *testing.F) {
	f.Add(userCDR("carol", "Carol C", 100, grp("recordings")) + userCDR("carol", "C", 50))
	f.Add(userCDR("Zoë", "Zoë &amp; Co", 1, `<grp name="a" mode="active" dyn="in"/><grp name="b" dyn="out"/>`))
	f.Add(strings.Replace(userCDR("trunk", "T", 1, grp("x")), "<user>", `<user pseudo="trunk">`, 1))
	f.Add(deviceCDR("carol", "desk-7", 100) + deviceCDR("dave", "DESK-7", 200) + deviceCDR("carol", "desk-7", 150))
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
			require.LessOrEqual(t, len(u.Devices), directory.MaxDevices)
			for _, dev := range u.Devices {
				owner, ok := d.UserByDevice(dev)
				require.True(t, ok)
				require.Equal(t, u.Name, owner.Name, "device %q", dev)
			}
			for _, s := range append(append([]string{u.Name, u.DisplayName}, u.Groups...), u.Devices...) {
				require.True(t, utf8.ValidString(s) && len(s) <= directory.MaxNameLen && !strings.ContainsFunc(s, unicode.IsControl), "%q", s)
			}
			require.LessOrEqual(t, len(u.Groups), directory.MaxGroups)
		}
	})
}
