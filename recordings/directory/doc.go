// Package directory is the recordings service's directory of users: who is
// on the PBX, under which name and display name, with which devices and in
// which groups. It merges three sources:
//
//   - the users file (adapters/usersfile): the authority for its own users,
//     their devices and their groups (SetFileUsers);
//   - innovaphone AppLogin (Remember): the PBX vouches for a user of that
//     name, who has no groups (an AppLogin says nothing about them);
//   - the PBX's CDRs (CDRsAdded, a cdr.Observer): a CDR of a user object
//     says that user is on the PBX, its <grp> children are the user's
//     group memberships at the time of the call, and its device attribute
//     is one of the user's devices.
//
// A user the file lists is the file's alone: what AppLogin and CDRs said
// about them is dropped when the file takes them over, and a CDR naming
// them teaches nothing; a device the file lists is its user's whatever
// CDRs say. A user seen both through AppLogin and in CDRs is one
// user (names compare without regard to case; the spelling first seen
// stays). What the PBX told is persisted through a Store (adapters/pbxusersfile
// keeps it in a JSON file), so a restart changes nothing.
//
// The directory is where correlation looks users up (it is a cdr.Directory,
// and Devices is the recordings.DeviceDirectory of the NoCDR fallback: a
// recording whose CDR never came is owned by the user of its registration
// name, a device of the users file or one a user's CDR named), and
// it keeps the licence engine's users and memberships equal to its own
// (through Licensing, which the server wires to licensegate.Gate.Do inside
// recordings.Service.UpdateLicensing): a change is sent as the difference it
// makes, Sync sends everything.
//
// It lives beside the recordings service rather than in package cdr or
// licensing because it is neither: it learns from CDRs but outlives them,
// and it feeds the licence engine, which is pure and knows no sources.
//
// # What a CDR says about a user
//
// innovaphone documents <user pseudo=...> with <grp> children in each CDR,
// pseudo naming the object type of a non-user object (trunk, waiting, ...)
// [doc: SDK doc/pbx/cdr.htm]. The rest is inferred and should be checked on
// a real PBX:
//
//   - A CDR with a <user> element without pseudo is a user object's; its
//     h323 is the user's name (the name myApps logs in with, the sip of
//     AppLogin) and its cn the display name. A CDR without <user>, or of a
//     pseudo object, teaches nothing [inferred].
//   - The <grp> children are the user's memberships when the CDR was made:
//     a user CDR without them says the user is in no group [inferred: the
//     PBX lists every group of the object].
//   - A <grp> carries the attributes of innovaphone's membership
//     configuration, as PbxTableUsers replicates it (grps: name, mode, dyn,
//     e.g. mode="active" dyn="in") and as PBX Manager shows it (a member is
//     Static, Dynamic In or Dynamic Out; Active or not) [doc: SDK
//     PbxTableUsers.htm; wiki Reference13r2:Apps/PbxManager/Groups]. A
//     member logged out of a dynamic group (dyn="out") is not in it now, and
//     a membership whose mode says something other than "active" is not an
//     active one: neither counts. A <grp> with no mode counts, because a PBX
//     that writes only the name does not say the membership is inactive
//     [inferred]. Group names compare exactly, as the licence engine's do.
//   - Memberships follow the user's latest CDR: the one with the latest utc
//     (the start of its call), then the one that arrived last. A CDR older
//     than the latest, arriving late, changes nothing.
//   - The device attribute of a user CDR names the phone the user called
//     with: innovaphone documents it as the hw id, which is the
//     registration name of a phone (the hw of the user object's devices
//     in PbxTableUsers), so it is what the reg-name of a recording's file
//     name carries [inferred: that the two are equal is not documented,
//     only that both name the device]. A device belongs to the user of
//     the latest CDR naming it (by utc, then arrival, as for groups): a
//     phone handed to another user follows their newer CDR, and an older
//     CDR arriving late does not take it back. A learned user keeps the
//     devices of their latest MaxDevices CDRs. A user CDR teaches devices
//     only when it is not older than the user's latest, as for groups.
//   - Once the settings name the PBX, CDRs of another PBX teach nothing, as
//     they are not used for ownership either.
//
// Every name in a CDR is hostile: user, group and device names must be
// valid UTF-8 of at most MaxNameLen bytes without control characters or
// surrounding space (others are ignored), a display name that is not is
// dropped, a user counts at most MaxGroups groups and MaxDevices devices,
// and the directory learns at most MaxLearned users and MaxLearned
// devices.
//
// A Directory is safe for concurrent use. Changes are serialised, and each
// reaches the licence engine before the next one is made, so the engine
// sees them in the directory's order.
package directory
