// Package cdrinfo wires the CDR correlation of package cdr into the
// recordings service: Resolver is the recordings.CallInfoResolver that
// correlates a recording with the stored CDRs of its conference (through a
// cdr.Store and cdr.Resolve) and turns the result into the service's
// CallInfo: owner, remote party, direction, start, talk time and the keys
// of the CDRs used.
//
// The PBX name of the settings decides which CDRs count (only that PBX's
// once it is set, every PBX's while none is); CDRs of another PBX are
// traced and not used. Owners are looked up in a cdr.Directory (the
// server's recordings/directory).
//
// It lives beside the recordings service, as licensegate does, because it
// is neither package's: cdr knows no recordings and recordings no CDRs.
package cdrinfo
