// Package usersfile reads the Recordings App's local users from a JSON file
// and checks their passwords.
//
// The file is a stable contract:
//
//	{"users":[{"name":"alice","display_name":"Alice A","role":"user",
//	           "password_bcrypt":"$2a$...","groups":["sales"],"devices":["alice-phone"]}]}
//
// role is "user" or "admin"; devices are the registration names of the user's
// phones, which map recordings and CDRs to the user; password_bcrypt may be
// empty for a user who only logs in through the PBX (innovaphone AppLogin).
// Names and devices are compared without regard to case, as the PBX does.
//
// Load validates the whole file (unknown fields, duplicate names or devices,
// bad roles or hashes are errors naming the user) so that a typo is reported
// at start instead of locking someone out. Create writes a new file holding a
// first admin account, for the server's first start.
package usersfile
