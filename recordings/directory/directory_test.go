package directory_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/adapters/pbxusersfile"
	"github.com/f0fce437/callrec/cdr"
	"github.com/f0fce437/callrec/licensing"
	"github.com/f0fce437/callrec/recordings/directory"
)

// engine is the Licensing of the tests: a real licence engine, updated in
// place.
type engine struct {
	mu   sync.Mutex
	e    *licensing.Engine
	fail error // UpdateUsers fails with it, changing nothing
}

func newEngine() *engine {
	return &engine{e: licensing.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))}
}

func (x *engine) UpdateUsers(_ context.Context, fn func(*licensing.Engine) ([]licensing.Decision, error)) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.fail != nil {
		return x.fail
	}
	_, err := fn(x.e)
	return err
}

func (x *engine) snapshot() licensing.Snapshot {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.e.Snapshot()
}

// userCDR is the CDR of user object h323 of a call started at utc, with
// the <grp> elements given verbatim.
func userCDR(h323, cn string, utc int64, grps ...string) string {
	return fmt.Sprintf(`<cdr guid="e78cb2b8e909d31188ce0090330602e8" sys="PBX" pbx="pbx1" node="root" device="%[1]s-phone" cn="%[2]s" e164="100" h323="%[1]s" dir="from" utc="%[3]d">
<user>%[4]s</user>
<event msg="setup-from" time="0" conf="%032[3]x"/>
<event msg="rel-to" time="4" cause="0"/>
</cdr>`, h323, cn, utc, strings.Join(grps, ""))
}

func grp(name string) string { return `<grp name="` + name + `"/>` }

// feed parses xml as the PBX sent it and lets d learn from it.
func feed(t *testing.T, d *directory.Directory, xml ...string) {
	t.Helper()
	cdrs, err := cdr.DecodeAll(strings.NewReader(strings.Join(xml, "\n")), cdr.Limits{})
	require.NoError(t, err)
	entries := make([]cdr.Entry, len(cdrs))
	for i, c := range cdrs {
		entries[i] = cdr.Entry{CDR: c, Received: time.Now()}
	}
	d.CDRsAdded(context.Background(), entries)
}

func groupsOf(t *testing.T, d *directory.Directory, name string) []string {
	t.Helper()
	u, ok := d.Lookup(name)
	require.True(t, ok, "%s is known", name)
	return u.Groups
}

func TestCDRTeachesUser(t *testing.T) {
	eng := newEngine()
	var added []string
	d := directory.New(directory.Config{Licensing: eng, Added: func(n []string) { added = append(added, n...) }})
	feed(t, d, userCDR("carol", "Carol C", 1767348000, grp("recordings"), grp("sales")))

	u, ok := d.UserByName("CAROL")
	require.True(t, ok)
	assert.Equal(t, cdr.DirectoryUser{Name: "carol", DisplayName: "Carol C", Devices: []string{"carol-phone"}}, u)
	assert.Equal(t, "Carol C", d.DisplayName("carol"))
	assert.Equal(t, []string{"recordings", "sales"}, groupsOf(t, d, "carol"))
	assert.Equal(t, []string{"carol"}, added, "a new user is announced")
	snap := eng.snapshot()
	assert.Equal(t, []string{"carol"}, snap.Users)
	assert.Equal(t, map[string][]string{"recordings": {"carol"}, "sales": {"carol"}}, snap.Members)

	feed(t, d, userCDR("carol", "Carol C", 1767348100, grp("recordings"), grp("sales")))
	assert.Equal(t, []string{"carol"}, added, "announced once")
}

// TestLatestCDRDecides: memberships follow the latest CDR by utc, then by
// arrival; an older CDR arriving late changes nothing.
func TestLatestCDRDecides(t *testing.T) {
	for _, tc := range []struct {
		name string
		cdrs []string // in arrival order
		want []string
	}{
		{"newer removes", []string{userCDR("carol", "C", 100, grp("recordings")), userCDR("carol", "C", 200)}, nil},
		{"newer adds", []string{userCDR("carol", "C", 100), userCDR("carol", "C", 200, grp("recordings"))}, []string{"recordings"}},
		{"older arriving late does not re-add", []string{userCDR("carol", "C", 100, grp("recordings")), userCDR("carol", "C", 300), userCDR("carol", "C", 200, grp("recordings"))}, nil},
		{"older arriving late does not remove", []string{userCDR("carol", "C", 300, grp("recordings")), userCDR("carol", "C", 200)}, []string{"recordings"}},
		{"same utc: the later arrival", []string{userCDR("carol", "C", 100, grp("recordings")), userCDR("carol", "C", 100, grp("sales"))}, []string{"sales"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, batched := range []bool{false, true} {
				eng := newEngine()
				d := directory.New(directory.Config{Licensing: eng})
				if batched {
					feed(t, d, tc.cdrs...)
				} else {
					for _, c := range tc.cdrs {
						feed(t, d, c)
					}
				}
				assert.Equal(t, tc.want, groupsOf(t, d, "carol"), "batched %v", batched)
				var members []string
				for g, m := range eng.snapshot().Members {
					if assert.Equal(t, []string{"carol"}, m) {
						members = append(members, g)
					}
				}
				assert.Equal(t, tc.want, members, "the engine follows (batched %v)", batched)
			}
		})
	}
}

// TestGroupAttributes: which <grp> elements are memberships that count.
func TestGroupAttributes(t *testing.T) {
	for _, tc := range []struct {
		grp    string
		counts bool
	}{
		{`<grp name="g"/>`, true},
		{`<grp name="g" mode="active"/>`, true},
		{`<grp name="g" mode="active" dyn="in"/>`, true},
		{`<grp name="g" dyn="in"/>`, true},
		{`<grp name="g" mode="Active" dyn="IN"/>`, true},
		{`<grp name="g" mode="active" dyn="out"/>`, false},
		{`<grp name="g" dyn="out"/>`, false},
		{`<grp name="g" mode="inactive"/>`, false},
		{`<grp name="g" mode="passive" dyn="in"/>`, false},
		{`<grp name=""/>`, false},
		{`<grp/>`, false},
		{`<grp name="g"><unknown/></grp>`, true},
	} {
		t.Run(tc.grp, func(t *testing.T) {
			d := directory.New(directory.Config{})
			feed(t, d, userCDR("carol", "C", 100, tc.grp))
			if tc.counts {
				assert.Equal(t, []string{"g"}, groupsOf(t, d, "carol"))
			} else {
				assert.Empty(t, groupsOf(t, d, "carol"))
			}
		})
	}
}

// TestNotAUserObject: only the CDRs of user objects teach users.
func TestNotAUserObject(t *testing.T) {
	base := userCDR("carol", "C", 100, grp("recordings"))
	for _, tc := range []struct{ name, cdr string }{
		{"trunk", strings.Replace(base, "<user>", `<user pseudo="trunk">`, 1)},
		{"waiting queue", strings.Replace(base, "<user>", `<user pseudo="waiting">`, 1)},
		{"no user element", strings.NewReplacer("<user>", "", "</user>", "", grp("recordings"), "").Replace(base)},
		{"no h323", strings.Replace(base, `h323="carol"`, "", 1)},
		{"another PBX", strings.Replace(base, `pbx="pbx1"`, `pbx="elsewhere"`, 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eng := newEngine()
			d := directory.New(directory.Config{Licensing: eng, PBXName: func(context.Context) (string, error) { return "PBX1", nil }})
			feed(t, d, tc.cdr)
			_, ok := d.Lookup("carol")
			assert.False(t, ok)
			assert.Empty(t, eng.snapshot().Users)
		})
	}
	t.Run("the named PBX", func(t *testing.T) {
		d := directory.New(directory.Config{PBXName: func(context.Context) (string, error) { return "PBX1", nil }})
		feed(t, d, base)
		_, ok := d.Lookup("carol")
		assert.True(t, ok, "PBX names compare without regard to case")
	})
}

// TestHostileNames: names from CDRs are validated and bounded.
func TestHostileNames(t *testing.T) {
	long := strings.Repeat("x", directory.MaxNameLen+1)
	for _, tc := range []struct{ name, h323 string }{
		{"tab", "car&#x9;ol"},
		{"C1 control character", "car&#x85;ol"},
		{"newline", "car&#xA;ol"},
		{"surrounding space", " carol"},
		{"too long", long},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eng := newEngine()
			d := directory.New(directory.Config{Licensing: eng})
			feed(t, d, userCDR(tc.h323, "C", 100, grp("recordings")))
			assert.Empty(t, eng.snapshot().Users)
		})
	}
	t.Run("invalid UTF-8", func(t *testing.T) {
		c, err := cdr.DecodeAll(strings.NewReader(userCDR("carol", "C", 100)), cdr.Limits{})
		require.NoError(t, err)
		c[0].H323 = "car\xffol"
		d := directory.New(directory.Config{})
		d.CDRsAdded(context.Background(), []cdr.Entry{{CDR: c[0]}})
		_, ok := d.Lookup("car\xffol")
		assert.False(t, ok)
	})
	t.Run("groups and display name", func(t *testing.T) {
		grps := []string{grp("ok"), grp("bad&#x85;group"), grp(long), grp(" padded")}
		for i := range directory.MaxGroups + 10 {
			grps = append(grps, grp(fmt.Sprintf("g%04d", i)))
		}
		d := directory.New(directory.Config{})
		feed(t, d, userCDR("carol", "Carol&#x85;[31m", 100, grps...))
		groups := groupsOf(t, d, "carol")
		assert.Len(t, groups, directory.MaxGroups)
		assert.NotContains(t, groups, "bad\u0085group")
		assert.Equal(t, "", d.DisplayName("carol"), "a display name with a control character is dropped")
	})
}

// TestFileIsAuthority: the users file decides about its users; taking a
// learned user over forgets what the PBX said.
func TestFileIsAuthority(t *testing.T) {
	eng := newEngine()
	path := filepath.Join(t.TempDir(), "pbx-users.json")
	d := directory.New(directory.Config{Licensing: eng, Store: pbxusersfile.New(path)})
	d.SetFileUsers([]directory.User{{Name: "alice", DisplayName: "Alice A", Groups: []string{"sales"}, Devices: []string{"alice-phone"}}})
	require.NoError(t, d.Sync(context.Background()))
	feed(t, d, userCDR("Alice", "Someone Else", 100, grp("recordings")), userCDR("carol", "Carol C", 100, grp("recordings")))

	assert.Equal(t, []string{"sales"}, groupsOf(t, d, "alice"))
	assert.Equal(t, "Alice A", d.DisplayName("ALICE"))
	u, ok := d.UserByDevice("Alice-Phone")
	require.True(t, ok)
	assert.Equal(t, "alice", u.Name)
	assert.Equal(t, map[string][]string{"recordings": {"carol"}, "sales": {"alice"}}, eng.snapshot().Members)

	// The file takes carol over, without groups.
	d.SetFileUsers([]directory.User{{Name: "alice", Groups: []string{"sales"}}, {Name: "Carol"}})
	require.NoError(t, d.Sync(context.Background()))
	assert.Empty(t, groupsOf(t, d, "carol"))
	assert.Equal(t, map[string][]string{"sales": {"alice"}}, eng.snapshot().Members)
	saved, err := pbxusersfile.New(path).Load()
	require.NoError(t, err)
	assert.Empty(t, saved, "forgotten on disk too")

	// Dropped from the file: gone, until the PBX names her again.
	d.SetFileUsers([]directory.User{{Name: "alice", Groups: []string{"sales"}}})
	require.NoError(t, d.Sync(context.Background()))
	_, ok = d.Lookup("carol")
	assert.False(t, ok)
	assert.Equal(t, []string{"alice"}, eng.snapshot().Users)
	feed(t, d, userCDR("carol", "Carol C", 200, grp("recordings")))
	assert.Equal(t, []string{"alice", "carol"}, eng.snapshot().Users)
}

// TestAppLoginAndCDRAreOneUser: a user the PBX vouched for in an AppLogin
// and named in a CDR is one user, spelled as first seen.
func TestAppLoginAndCDRAreOneUser(t *testing.T) {
	eng := newEngine()
	var added []string
	d := directory.New(directory.Config{Licensing: eng, Added: func(n []string) { added = append(added, n...) }})
	ctx := context.Background()
	require.NoError(t, d.Remember(ctx, "Carol", "Carol from myApps"))
	assert.Empty(t, groupsOf(t, d, "carol"), "AppLogin tells no groups")
	feed(t, d, userCDR("carol", "Carol C", 100, grp("recordings")))
	require.NoError(t, d.Remember(ctx, "CAROL", "Carol from myApps"))

	u, ok := d.Lookup("carol")
	require.True(t, ok)
	assert.Equal(t, directory.User{Name: "Carol", DisplayName: "Carol from myApps", Groups: []string{"recordings"}, Devices: []string{"carol-phone"}}, u)
	assert.Equal(t, []string{"Carol", "Carol"}, added, "new at the AppLogin; with a new device at the CDR")
	snap := eng.snapshot()
	assert.Equal(t, []string{"Carol"}, snap.Users)
	assert.Equal(t, map[string][]string{"recordings": {"Carol"}}, snap.Members)

	assert.ErrorIs(t, d.Remember(ctx, "bad\nname", ""), directory.ErrInvalidName)
}

// TestRestart: what the PBX told survives a restart, including the order
// of the latest CDR.
func TestRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pbx-users.json")
	ctx := context.Background()
	open := func(eng *engine) *directory.Directory {
		d := directory.New(directory.Config{Licensing: eng, Store: pbxusersfile.New(path)})
		require.NoError(t, d.Load())
		d.SetFileUsers(nil)
		require.NoError(t, d.Sync(ctx))
		return d
	}
	d := open(newEngine())
	require.NoError(t, d.Remember(ctx, "dave", "Dave D"))
	feed(t, d, userCDR("carol", "Carol C", 100, grp("recordings")))
	feed(t, d, userCDR("carol", "Carol C", 300, grp("recordings"))) // only newer: saved lazily
	require.NoError(t, d.Flush())

	eng := newEngine()
	d = open(eng)
	assert.Equal(t, []string{"carol", "dave"}, eng.snapshot().Users)
	assert.Equal(t, map[string][]string{"recordings": {"carol"}}, eng.snapshot().Members)
	assert.Equal(t, "Dave D", d.DisplayName("dave"))
	feed(t, d, userCDR("carol", "Carol C", 200)) // older than the latest before the restart
	assert.Equal(t, []string{"recordings"}, groupsOf(t, d, "carol"))
	feed(t, d, userCDR("carol", "Carol C", 400))
	assert.Empty(t, groupsOf(t, d, "carol"), "a CDR newer than all before the restart")
}

// TestSyncReplacesEngineUsers: Sync removes from the engine the users and
// memberships the directory does not know.
func TestSyncReplacesEngineUsers(t *testing.T) {
	eng := newEngine()
	for _, fn := range []func() ([]licensing.Decision, error){
		func() ([]licensing.Decision, error) { return eng.e.AddUser("gone") },
		func() ([]licensing.Decision, error) { return eng.e.AddMember("recordings", "gone") },
		func() ([]licensing.Decision, error) { return eng.e.AddUser("alice") },
		func() ([]licensing.Decision, error) { return eng.e.AddMember("old", "alice") },
	} {
		_, err := fn()
		require.NoError(t, err)
	}
	d := directory.New(directory.Config{Licensing: eng})
	d.SetFileUsers([]directory.User{{Name: "alice", Groups: []string{"sales"}}})
	require.NoError(t, d.Sync(context.Background()))
	snap := eng.snapshot()
	assert.Equal(t, []string{"alice"}, snap.Users)
	assert.Equal(t, map[string][]string{"sales": {"alice"}}, snap.Members)
}

// TestLicensingFailure: a change the engine could not take is sent again,
// with everything, at the next change.
func TestLicensingFailure(t *testing.T) {
	eng := newEngine()
	d := directory.New(directory.Config{Licensing: eng})
	eng.fail = errors.New("database unavailable")
	feed(t, d, userCDR("carol", "Carol C", 100, grp("recordings")))
	assert.Empty(t, eng.snapshot().Users)
	eng.fail = nil
	feed(t, d, userCDR("dave", "Dave D", 100))
	snap := eng.snapshot()
	assert.Equal(t, []string{"carol", "dave"}, snap.Users)
	assert.Equal(t, map[string][]string{"recordings": {"carol"}}, snap.Members)
}
