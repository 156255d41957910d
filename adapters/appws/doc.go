// Package appws is the server side of innovaphone's AppWebsocket login: how an
// app running in myApps (or the PBX's App object itself) proves who it is to
// the Recordings App, using the App-object password the PBX and the app
// service share.
//
// The protocol is JSON messages on a websocket, each {"mt":...,"src":...}
// with src echoed in the answer:
//
//	client                                  server
//	{"mt":"AppChallenge"}              ─►
//	                                   ◄─  {"mt":"AppChallengeResult","challenge":"4096723514872934"}
//	{"mt":"AppLogin","app":..,"domain":..,"sip":..,"guid":..,"dn":..,
//	 "digest":..,"info":{...}}         ─►
//	                                   ◄─  {"mt":"AppLoginResult","ok":true,"ticket":"..."}
//
// The digest is hex(SHA-256("app:domain:sip:guid:dn:info:challenge:password")),
// or without info "app:domain:sip:guid:dn:challenge:password". info is JSON
// as the PBX wrote it (JavaScript's JSON.stringify: no white space, no
// needless escapes); it is verified over its text exactly as it appears in
// the received message, and if that fails over its compacted form
// (json.Compact), never re-marshalled: Go's encoder would escape <, > and &
// and reorder keys, and the digest would no longer match. A challenge is good
// for one AppLogin; the comparison is constant-time.
//
// What a successful login grants is the caller's decision (Config.Accept):
// the Recordings App maps the app name to a role and answers with a one-time
// ticket the page exchanges for a session cookie.
package appws
