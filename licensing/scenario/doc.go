// Package scenario reads and runs licence scenarios: small text files of
// events and expectations for the licensing engine. examples/licsim is its
// command-line runner, and the licensing package's tests run the scenario
// files under licensing/testdata with it.
//
// Each file runs on a fresh state: L = 0, no users, open mode, the clock
// at 2000-01-01T00:00:00Z until the first "at". One command per line;
// "#" starts a comment, blank lines are ignored, words are separated by
// spaces or tabs:
//
//	licenses N          set L (N ≥ 0)
//	user NAME           add a user to the PBX
//	deluser NAME        remove a user from the PBX
//	group NAME          set the recordings group (group mode)
//	group -             clear it (open mode)
//	member NAME         add NAME to the current group
//	unmember NAME       remove NAME from the current group
//	at TIME             set the clock (RFC 3339, never backwards)
//	advance DURATION    move the clock on (Go duration: 25h, 90m, 1s)
//	record ID OWNER     a recording created now; OWNER "-" means none
//	owner ID OWNER      set the owner later (CDR correlation); "-" for none
//	delete ID           a user or retention deletion
//	protect ID          protect a recording
//	unprotect ID        unprotect it
//	print               one line per recording in creation order,
//	                    "ID OWNER STATE" (OWNER "-" for none), then
//	                    "holders: a,b" in claim order, or "holders: -"
//	expect ID STATE     STATE: accessible, unlicensed, deleted, ownerless
//	expect holders a,b  the holders in claim order ("-" for none)
//
// "owner" is an extension of the contract of issue 8. A failed expect
// writes "FILE:LINE: expected X, got Y" (holders written as in print) and
// the run goes on. Bad syntax (Parse reports every bad line) and commands
// that cannot apply (an unknown, deleted or duplicate recording ID, the
// clock going backwards, member without a group, deleting a protected
// recording) are *Error values "FILE:LINE: ...". Names contain no comma
// and are not "-"; "holders" is not a recording ID. Users and members are
// idempotent: adding one twice, or removing one that is absent, changes
// nothing.
package scenario
