// Package callrec is an SDK for telephone call recording, and the home of
// the Recordings App built on it.
//
// An innovaphone-style PBX records a call by sending one PCAP file per call
// (HTTP PUT, WebDAV) that holds the unencrypted RTP of both directions plus a
// dummy SIP exchange, and at the end of the call one XML CDR per call per
// object. callrec turns those into recordings people can find and play:
//
//	PCAP upload ─► pcapio ─► rtpcodec (RTP streams, jitter, G.711/G.722/G.729) ─► stereo WAV
//	XML CDRs    ─► cdr (parse, de-duplicate, correlate: owner, parties, direction, NoCDR)
//	            ─► licensing (who may open which recording; open and group mode)
//	            ─► recordings (durable ingest, conversion jobs, retention, protection, audit)
//
// The domain packages (recordings, cdr, licensing) declare the types and the
// small interfaces they need; adapters/<dependency> implement them (SQLite,
// the file system, HTTP); examples/ only wires them together:
// examples/pcap2wav is the command-line converter, examples/licsim the
// licence scenario runner and examples/server the deployable Recordings App.
//
// This package itself holds no code; it documents how the parts fit.
package callrec
