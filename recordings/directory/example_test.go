package directory_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/f0fce437/callrec/cdr"
	"github.com/f0fce437/callrec/recordings/directory"
)

// The PBX names carol as the user object of a CDR, member of the
// recordings group; a later CDR lists no group.
func Example() {
	d := directory.New(directory.Config{}) // no Store, no licence engine: memory only
	d.SetFileUsers([]directory.User{{Name: "alice", Groups: []string{"sales"}, Devices: []string{"alice-phone"}}})
	learn := func(xml string) {
		cdrs, err := cdr.DecodeAll(strings.NewReader(xml), cdr.Limits{})
		if err != nil {
			panic(err)
		}
		entries := make([]cdr.Entry, len(cdrs))
		for i, c := range cdrs {
			entries[i] = cdr.Entry{CDR: c, Received: time.Now()}
		}
		d.CDRsAdded(context.Background(), entries)
	}
	learn(`<cdr pbx="pbx1" cn="Carol C" h323="carol" dir="from" utc="1767348000">
<user><grp name="recordings" mode="active" dyn="in"/><grp name="support" dyn="out"/></user>
<event msg="setup-from" time="0" conf="e89277f0e909d31192e80090331032dd"/></cdr>`)
	u, _ := d.Lookup("Carol")
	fmt.Println(u.Name, u.DisplayName, u.Groups)

	learn(`<cdr pbx="pbx1" cn="Carol C" h323="carol" dir="to" utc="1767351600"><user/>
<event msg="setup-to" time="0" conf="8fc0cfc0e909d311b722009033102603"/></cdr>`)
	u, _ = d.Lookup("carol")
	fmt.Println(u.Name, u.Groups)
	// Output:
	// carol Carol C [recordings]
	// carol []
}
