package cdr

import "strings"

// A Directory is the set of users the service knows (a users file now, the
// PBX later). Correlation asks it who a CDR or a recording belongs to.
// Implementations must be safe for concurrent use.
type Directory interface {
	// UserByName returns the user with the given name (a CDR's h323).
	UserByName(name string) (DirectoryUser, bool)
	// UserByDevice returns the user whose devices include the given device
	// or registration name.
	UserByDevice(device string) (DirectoryUser, bool)
}

// DirectoryUser is a user as a Directory knows it.
type DirectoryUser struct {
	Name        string   // user name: the owner of recordings
	DisplayName string   // name to show; may be empty
	Devices     []string // registration names and device ids of the user's phones
}

// UserList is a Directory over a slice of users, compared without regard to
// case (innovaphone names are not case-sensitive [inferred]). Lookups are
// linear: it suits the tens to hundreds of users of a users file. It must not
// be modified while in use; reading is safe for concurrent use.
type UserList []DirectoryUser

var _ Directory = UserList(nil)

// UserByName implements Directory.
func (l UserList) UserByName(name string) (DirectoryUser, bool) {
	if name == "" {
		return DirectoryUser{}, false
	}
	for _, u := range l {
		if strings.EqualFold(u.Name, name) {
			return u, true
		}
	}
	return DirectoryUser{}, false
}

// UserByDevice implements Directory.
func (l UserList) UserByDevice(device string) (DirectoryUser, bool) {
	if device == "" {
		return DirectoryUser{}, false
	}
	for _, u := range l {
		for _, d := range u.Devices {
			if strings.EqualFold(d, device) {
				return u, true
			}
		}
	}
	return DirectoryUser{}, false
}
