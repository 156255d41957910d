// Command server is the Recordings App: the one binary that innovaphone
// phones upload their recordings to, the PBX sends its CDRs to, and users and
// admins open in their browser or in myApps.
//
//	go run ./examples/server
//
// starts with embedded defaults (SQLite and files under ./callrec-data,
// listening on 127.0.0.1:8080) and prints the apps' URL. On first start it
// creates the users file with an admin account whose password it writes to
// <data>/initial-admin-password (mode 0600), printing only that path; set
// CALLREC_ADMIN_PASSWORD to choose the password instead.
//
// Every flag has an environment variable CALLREC_<FLAG> (upper case, dashes
// as underscores); a flag on the command line wins. Flags that seed settings
// (WebDAV credentials, licences) apply only while the setting is unset:
// afterwards admins change them at run time in the admin app.
//
//	-listen ADDR            address to listen on (127.0.0.1:8080)
//	-data DIR               database, recordings and secrets (./callrec-data)
//	-base PATH              public path prefix of what the PBX and phones reach (/recordings)
//	-users FILE             the users file (<data>/users.json)
//	-webdav-user, -webdav-password   credentials of the phones' Record-to URL
//	-cdr-user, -cdr-password         credentials of the PBX's CDR interface
//	-licenses N             licences allocated to the recordings object
//	-app-password PW        the innovaphone App-object password (AppLogin)
//	-tls-cert, -tls-key     serve HTTPS
//	-tls-proxy              a reverse proxy in front terminates TLS (the apps are reached over HTTPS)
//	-frame-ancestors LIST   who may frame the apps (CSP), e.g. https://pbx.example.com
//	-max-upload BYTES       largest upload accepted (2 GiB)
//	-cdr-wait DURATION      how long a recording waits for its CDR before it shows NoCDR (10m)
//
// The session cookie is SameSite=Lax; when the apps are reached over HTTPS
// (-tls-cert or -tls-proxy) and -frame-ancestors names another origin (myApps
// on the PBX's site), it is SameSite=None; Secure; Partitioned instead, so
// that browsers send it in the cross-site frame.
//
// SIGHUP reads the users file again: new users and memberships apply at
// once, removed users lose their licence and sessions. Users the PBX told
// of without an entry in the users file (vouched for in an AppLogin, or
// named as the user object of a CDR, with the group memberships of their
// latest CDR and the devices their CDRs named, so that a recording from
// such a device whose CDR never comes is theirs: see package
// recordings/directory) are remembered in
// <data>/pbx-users.json, sessions in <data>/sessions.json (token hashes
// only), so a restart keeps both.
//
// Paths: <base>/Files/<name> (WebDAV PUT of pcaps), <base>/cdr (CDR intake),
// <base>/ (the AppWebsocket), <base>/innovaphone-recordings.htm and
// <base>/innovaphone-recordingsadmin.htm (the apps); /api/v1, /healthz,
// /readyz and /metrics at the root. See docs/deploy.md.
//
// The program only wires the SDK's packages: Main builds them from the
// flags (ParseFlags), serves until its context ends (Run) and releases them
// (Close); main itself only turns signals into that context.
package main
