// Package webui serves the two web apps of the Recordings App, embedded in
// the binary with go:embed: no build step, plain HTML, CSS and JavaScript
// modules.
//
//	<base>/innovaphone-recordings.htm       the user app
//	<base>/innovaphone-recordingsadmin.htm  the admin app
//	<base>/app.css, <base>/*.js             their assets
//
// and each app also without .htm, as an innovaphone App object's URL names it.
//
// The file names of the apps are the names innovaphone's App objects use, so
// a PBX can point its App objects at them directly. Both apps talk to the
// REST API at /api/v1 and log in either through the innovaphone AppLogin
// (inside myApps) or with the login form (local users).
//
// Every answer carries a strict Content-Security-Policy (scripts, styles
// and media from the server itself only; no inline script or style; framing
// only by the configured ancestors, for myApps), nosniff, no referrer, and a
// Permissions-Policy switching off what the apps do not use. The JavaScript
// builds the page with DOM calls and text nodes only, never innerHTML with
// data: names from CDRs and file names are hostile.
package webui
