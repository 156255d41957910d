// Package auth holds the HTTP authentication pieces the Recordings App puts in
// front of the endpoints a PBX and its phones reach, and the login rate limit
// shared by every password check.
//
// Guard is a middleware admitting requests with HTTP Basic (RFC 7617) or
// Digest (RFC 7616: SHA-256 and MD5, qop "auth" or none) credentials: the
// phones' WebDAV PUT of recordings and the PBX's CDR intake. Digest is checked
// against the HA1 of the configured password (see HA1), so a Guard can verify
// it without the password itself. Nonces are stateless (a time and an HMAC
// under a key made at start), expire after a few minutes (answered with
// stale=true) and a repeated nonce count is refused, so a captured request
// cannot be replayed.
//
// Limiter slows down password guessing: after a few failures for a key (a
// client address, a user name) each further attempt must wait twice as long
// as the one before, up to a bound.
//
// Every secret is compared in constant time.
package auth
