// Package httpapi is the JSON REST API of the Recordings App (/api/v1) and
// the sessions its web apps use.
//
// Routes (a stable contract; who may do what is decided by the recordings
// service, from the actor this package authenticates):
//
//	GET    /api/v1/me                              {"name","display_name","role"}
//	GET    /api/v1/recordings?q=&owner=&from=&to=&direction=&status=&limit=&cursor=
//	GET    /api/v1/recordings/{id}                 R + "streams", "warnings", "cdr", "notes"
//	GET    /api/v1/recordings/{id}/audio           audio/wav, byte ranges
//	GET    /api/v1/recordings/{id}/download?format=wav|zip|pcap
//	POST   /api/v1/recordings/{id}/protect, /unprotect
//	DELETE /api/v1/recordings/{id}
//	GET    /api/v1/recordings/{id}/notes, POST {"text"}
//	GET    /api/v1/logs?recording=&limit=&cursor=
//	GET    /api/v1/settings, PUT
//	GET    /api/v1/license
//
// "streams" is the array of stream objects of the pcap info, as pcap2wav
// -info prints them ([] before conversion), and "warnings" the info's
// warnings beside it ([] when none).
//
// and the routes the apps use besides:
//
//	GET    /api/v1/status   {"pbx_name_missing"}  any user: the apps' banner
//	POST   /api/v1/login    {"name","password"}   a local user of the users file
//	POST   /api/v1/session  {"ticket"}            the ticket of an innovaphone AppLogin
//	POST   /api/v1/logout
//
// Each handler lives in the file named after its action.
//
// # Authentication
//
// A request is authenticated by the session cookie (HttpOnly; SameSite=Lax,
// Secure behind TLS; or, for apps framed by another site such as myApps on
// the PBX's, SameSite=None, Secure and Partitioned: see
// SessionOptions.CrossSite) or, for scripts, by HTTP Basic credentials of
// the users file. Requests that change state with a session cookie, whatever
// its kind, must carry the session's CSRF token in the X-CSRF-Token header
// (the apps read it from the header of the same name on /api/v1/me and the
// login answers); on top of that, cross-origin browser requests that change
// state are refused (http.CrossOriginProtection). Failed password checks are
// rate limited per client address and per user name. Sessions live in
// memory; Save and Restore let the server carry them over a restart.
//
// # Errors
//
// Every error is {"error":{"code","message"}} with one HTTP status per code
// (recordings.Code.HTTPStatus, the table the WebDAV adapter uses too).
// Clients see the message of the domain error, or "internal error":
// details of a failure go to the log only. A route asked with a method it
// does not answer gives 405 with an Allow header (code invalid); a path that
// is no route, 404 not_found.
package httpapi
