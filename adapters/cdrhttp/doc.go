// Package cdrhttp is the HTTP intake of innovaphone XML CDRs: the URL the
// PBX's CDR0/CDR1 interface is pointed at. It feeds cdr.Service.Ingest.
//
// It accepts
//
//	POST <path>                                  body: one or many <cdr> elements (any wrapping)
//	GET  <path>?event=syslog&msg=<url-encoded>   the legacy gateway CDR form
//
// behind HTTP Basic authentication with configured credentials (compared in
// constant time), within a body size limit. It answers 200 only once the CDRs
// are durably stored, 400 with a message saying where the XML is malformed,
// 401 with WWW-Authenticate, 405, 413 for a body over the limit, and 500
// (details in the log only) when storing failed, so that the PBX keeps the
// CDRs and sends them again.
package cdrhttp
