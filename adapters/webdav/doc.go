// Package webdav is the HTTP face of recording ingest: the WebDAV
// collection innovaphone phones and gateway interfaces PUT their pcaps to
// (<base>/Files/<name>).
//
// PUT streams the body (chunked or with Content-Length) into
// recordings.Service.Ingest, whose answer is the HTTP status: 201 once the
// upload is durable and its conversion queued; 400 for a name with a path
// separator, "..", or NUL, or an upload cut short (kept as partial); 413
// over the size limit; 507 when the disk is full (recordings.Code.HTTPStatus,
// the App's one code→status table). OPTIONS and PROPFIND get the minimal
// answers WebDAV clients expect (PROPFIND names the collection by the
// absolute path of the request); the collection cannot be listed.
// Authentication is the server's: pass a middleware in Options.Auth
// (auth.Guard's Wrap is one).
package webdav
