// Package licensegate wires the licence engine (package licensing) into the
// recordings service: Gate is the recordings.Licenser, with the optional
// powers to rebuild the engine at start (recordings.LicenseRestorer: the
// persisted snapshot, then every stored recording) and to take the licence
// count and group name from the settings (recordings.LicenseConfigurer).
//
// The engine's decisions become the service's: a recording state other
// than unlicensed opens the recording, unlicensed closes it, and deletions
// due are applied (and audited) by the service with its retention sweep.
// The users on the PBX and the group memberships come from the server's
// users directory: it feeds them through Gate.Do called inside
// recordings.Service.UpdateLicensing, which stores the decisions in the
// order the engine took them. Gate.Status is the admin's licence view.
//
// The snapshot is persisted only after a claim, a release or a change of
// the engine's inputs, as package licensing advises: the rest of its state
// is rebuilt from the recordings at start.
package licensegate
