package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"sync"

	"github.com/f0fce437/callrec/adapters/auth"
	"github.com/f0fce437/callrec/internal/atomicfile"
	"github.com/f0fce437/callrec/recordings"
)

// digestRealm is the realm of the WebDAV and CDR challenges; it is part of
// every stored HA1.
const digestRealm = "callrec"

// digestFile keeps the HA1 values of the WebDAV password (Digest
// authentication needs them; the settings keep only a bcrypt hash) in a
// file readable by the server's user only. It is rewritten whenever the
// server learns the password in plain: from -webdav-password, or when an
// admin sets it in the settings.
type digestFile struct {
	path string

	mu sync.Mutex
	v  digestSecrets
}

type digestSecrets struct {
	User   string `json:"user"`
	SHA256 string `json:"ha1_sha256"`
	MD5    string `json:"ha1_md5"`
}

func (d *digestFile) load() error {
	data, err := os.ReadFile(d.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return json.Unmarshal(data, &d.v)
}

// set makes user and password the Digest credentials. Whatever happens,
// the old ones stop working: if the new ones cannot be written, Digest is
// refused (Basic still works) until the password is set again.
func (d *digestFile) set(user, password string) error {
	d.mu.Lock()
	d.v = digestSecrets{}
	d.mu.Unlock()
	v := digestSecrets{
		User:   user,
		SHA256: auth.HA1(auth.SHA256, user, digestRealm, password),
		MD5:    auth.HA1(auth.MD5, user, digestRealm, password),
	}
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := atomicfile.Replace(d.path, data); err != nil {
		if rerr := os.Remove(d.path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			err = errors.Join(err, rerr)
		}
		return err
	}
	d.mu.Lock()
	d.v = v
	d.mu.Unlock()
	return nil
}

// ha1 returns the HA1 of user for algorithm, if user is the WebDAV user.
func (d *digestFile) ha1(algorithm, user string) (string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.v.User == "" || !strings.EqualFold(d.v.User, user) {
		return "", false
	}
	if algorithm == auth.MD5 {
		return d.v.MD5, d.v.MD5 != ""
	}
	return d.v.SHA256, d.v.SHA256 != ""
}

// refreshDigest writes the digest file from -webdav-password when that
// password is the one in force (the flag only seeds the setting: an admin
// may have changed it since).
func (m *Main) refreshDigest(ctx context.Context) error {
	c := m.Config
	if !c.set["webdav-password"] || c.WebDAVPassword == "" {
		return nil
	}
	s, err := m.svc.Settings(ctx, recordings.SystemActor())
	if err != nil {
		return err
	}
	ok, err := m.svc.CheckWebDAVCredentials(ctx, s.WebDAVUser, c.WebDAVPassword)
	if err != nil || !ok {
		return err
	}
	if cur, known := m.digest.ha1(auth.SHA256, s.WebDAVUser); known && cur == auth.HA1(auth.SHA256, s.WebDAVUser, digestRealm, c.WebDAVPassword) {
		return nil
	}
	return m.digest.set(s.WebDAVUser, c.WebDAVPassword)
}
