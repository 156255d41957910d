package main

import (
	"context"

	"github.com/f0fce437/callrec/adapters/httpapi"
	"github.com/f0fce437/callrec/recordings"
)

// apiService is the recordings service as the REST API sees it, plus the
// part of a settings change the server owns: the Digest secrets of the
// WebDAV credentials (the settings keep only a bcrypt hash of the
// password, and Digest needs a hash of user and password together).
type apiService struct {
	*recordings.Service
	digest *digestFile
}

var _ httpapi.Service = apiService{}

// UpdateSettings changes the settings. A new WebDAV user name needs the
// password too, since the Digest secrets bind both; a new password
// replaces the Digest secrets, so the old password stops working for
// Digest as it does for Basic.
func (s apiService) UpdateSettings(ctx context.Context, a recordings.Actor, u recordings.SettingsUpdate) (recordings.Settings, error) {
	if u.WebDAVUser != nil && u.WebDAVPassword == nil {
		cur, err := s.Service.Settings(ctx, a)
		if err != nil {
			return recordings.Settings{}, err
		}
		if *u.WebDAVUser != cur.WebDAVUser {
			return recordings.Settings{}, recordings.Errorf(recordings.Invalid,
				"a new webdav_user needs webdav_password too (Digest authentication keeps a hash of both)")
		}
	}
	now, err := s.Service.UpdateSettings(ctx, a, u)
	if err != nil || u.WebDAVPassword == nil {
		return now, err
	}
	if err := s.digest.set(now.WebDAVUser, *u.WebDAVPassword); err != nil {
		return now, recordings.Wrap(err, recordings.Internal, "the settings were saved, but not the Digest secrets of the WebDAV password: Digest is refused until it is set again")
	}
	return now, nil
}
