// Package cdr reads the XML call detail records (CDRs) of an innovaphone PBX,
// de-duplicates and stores them, and correlates them with recordings.
//
// # Wire format
//
// At the end of every call the PBX sends one CDR per call per object (each
// user, trunk, waiting queue ...) through its CDR0/CDR1 interface, as an HTTP
// POST with one or many <cdr> elements in the body, or in the legacy form as
// GET ?event=syslog&msg=<url-encoded XML>:
//
//	<cdr guid=".." sys=".." pbx=".." node=".." device=".." cn=".." e164=".." h323=".."
//	     dir="from|to|cf|ct" utc="1272551262" local="1272558462" id=".." seq="..">
//	  <user pseudo="trunk|waiting|..."> <grp name=".."/> ... </user>
//	  <event msg="setup-from" time="0" conf="<conference GUID>" type="ext" e164=".." h323=".." cause="16">
//	    <to ../> <ep ../> <cf ../> <ct ../> <makecall appl=".."/>
//	  </event>
//	  ...
//	</cdr>
//
// [Decoder] reads such a stream (with or without a wrapping root element)
// into [CDR] values. It is tolerant of elements and attributes it does not
// know, strict about malformed XML, and bounded by [Limits] so that hostile
// input cannot exhaust memory. Every string in a CDR is attacker-controlled:
// the decoder never interprets it, expands no entity beyond XML's five
// predefined ones, and keeps the exact bytes of each <cdr> element in
// [CDR.Raw] for storage and tracing.
//
// # De-duplication
//
// A CDR's [Key] is "id:" followed by its id attribute when it has one, else
// "sha256:" followed by the hex SHA-256 of its canonical form (see
// [Key]), so that a CDR re-sent by the PBX is stored once.
//
// # Correlation
//
// A recording's file name carries the conference GUID of the call, which is
// also the conf attribute of the CDR events of every leg. [Resolve] takes a
// recording's facts and the CDRs sharing its conference and says who owns the
// recording, whom they talked to, in which direction, when and for how long,
// or that no CDR has arrived yet. It is pure: time and the user directory are
// inputs.
//
// # Attaching to recordings
//
// Whichever of a recording and its CDRs comes second attaches. The recordings
// service calls [Service.Resolve] with the recording's facts when its upload
// completes, again when a [Listener] hears that CDRs of its conference were
// stored, and once more when its wait for CDRs ends. Correlation has no
// clock: [StatePending] only says that no usable CDR is there yet. When a
// recording shows NoCDR, and who owns it then, is decided by the recordings
// service alone (its CDRWait and NoCDR sweep); a late CDR still attaches.
//
// # Intake
//
// [Service.Ingest] parses, de-duplicates and durably stores a body of CDRs
// through a [Store] before it returns, so an HTTP handler (adapters/cdrhttp)
// acknowledges only what is safe. An [Observer] sees each newly stored CDR
// before the [Listener] hears of its conference (recordings/directory learns
// the users the PBX names that way). Store implementations run the
// conformance suite in package cdr/cdrtest.
package cdr
