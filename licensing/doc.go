// Package licensing is the licence policy engine of the Recordings App: it
// decides who holds one of the licences allocated to the recordings object,
// which recordings can be opened, and which ones are destroyed.
//
// The engine is pure and deterministic: no I/O, no goroutines, and time is
// an input (Engine.Advance). Events go in (licences set, users added and
// removed, group name set or cleared, members added and removed,
// recordings created, given an owner, protected, deleted, time passing);
// decisions come out (claims, releases, recording states, deletions due),
// each with a reason an admin can read. Engine.Status is the admin view.
//
// # Rules
//
// Inputs: L, the number of licences allocated (0 at start, changes at any
// time); the users on the PBX; the recordings group name G (empty or set)
// and, per group name, its members; recordings with owner and creation time
// (upload completion); protection flags; the clock.
//
// Mode: group mode while G is set, open mode while it is empty. Group mode
// since is the moment G went from empty to set; switching from one group
// name to another does not restart it. Membership belongs to a group name:
// after switching to another name, the members are those of that name.
//
// Eligible user: exists on the PBX and (open mode, or member of G). A user
// removed and later added again under the same name is the same user (its
// recordings and memberships are its own again), starting without a
// licence. A recording may name an owner who is not on the PBX: that owner
// is simply not eligible.
//
// Holders: at most L users hold a licence. After every change, free
// licences go to waiting users: eligible users without a licence who have
// at least one unlicensed recording kept (protected ones count), in the
// order of the creation time of their earliest such recording, ties by
// user name. When L shrinks below the number of holders, the holders who
// claimed last lose theirs first. A holder who stops being eligible loses
// the licence at once. A holder keeps the licence while eligible, even with
// no recording left.
//
// Accessible: a recording is accessible exactly while its owner holds a
// licence. Unlicensed recordings are kept but cannot be listed by their
// owner, played or downloaded; admins see that they exist (metadata,
// marked unlicensed, no audio).
//
// Open mode: unlicensed recordings are kept as long as licensed ones (only
// retention deletes them) and become accessible as soon as their owner gets
// a licence.
//
// Group mode: a recording is deleted physically and irrecoverably (the
// caller audits it) once now ≥ start + 24 h (Grace), where start is the
// later of when it last became unlicensed and group mode since. It became
// unlicensed at its creation if created unlicensed, when its owner lost the
// licence, or when an owner without a licence was set on it (CDR
// correlation naming the owner after creation: until then it was ownerless
// and needed no licence, while its creation time for the waiting order
// stays its upload completion). As the owner's losses are per user, the
// engine keeps start as max(owner set, owner's last loss, group mode
// since). If its owner gets a licence before, it becomes accessible and is
// not deleted. Switching to open mode cancels pending deletions; switching
// back starts a new group mode since. A protected recording is never
// deleted: it stays unlicensed and closed, and once unprotected it goes at
// the next Advance if its 24 h have passed. Deletions due are applied when
// time passes (Advance), never by other events.
//
// No owner (CDR pending, or NoCDR with no known user): the recording needs
// no licence, is visible to admins only and is never deleted by licensing;
// its state is Ownerless. Who owns a recording on a trunk or waiting queue
// is CDR correlation's business; the engine only sees the resulting owner.
//
// # Use
//
// The recordings service holds one Engine under its mutex. For each event
// it calls Advance with the current time and then the event's method, and
// acts on the decisions: KindState changes gate listing, playing and
// downloading (or the service asks State and Holds), KindDelete removes the
// recording and writes the audit entry. The retention sweeper calls
// Advance periodically. Users, memberships, L and G come from the server's
// users file and settings. Status is served to the admin app as JSON.
//
// Persistence: the store holds the recordings; what only history tells
// (holders in claim order with their claim times, when users lost a
// licence, group mode since, L, G, users, memberships) is the Snapshot,
// which the service persists after changes. At start it calls Restore,
// then Load with the recordings of its store (no decision per recording),
// then feeds whatever changed while it was down (users file, settings).
// The rebuilt engine decides exactly as the one that wrote the snapshot.
//
// # Cost
//
// The engine keeps indexes, not rescans: per user, its recordings by
// creation and its unprotected recordings by grace start (indexed heaps);
// globally, the waiting users by earliest recording and the users with
// recordings due by deadline. A recording event costs O(log n); a claim or
// release O(k log k) for the user's k recordings; a group change O(users).
// Status costs O(unlicensed recordings).
package licensing
