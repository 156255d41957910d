package recordings

import (
	"context"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// Setting keys in the Store.
const (
	keyRetentionDays  = "retention_days"
	keyPBXName        = "pbx_name"
	keyGroupName      = "group_name"
	keyLicenses       = "licenses"
	keyWebDAVUser     = "webdav_user"
	keyWebDAVPassword = "webdav_password_bcrypt"
	keyTracePrefix    = "trace."
)

// MaxRetentionDays is the largest retention setting.
const MaxRetentionDays = 11000

// Settings are the admin's run-time settings, persisted in the Store.
type Settings struct {
	// RetentionDays: recordings older than this are deleted; 0 keeps them
	// for ever.
	RetentionDays int
	// PBXName: CDRs of another PBX are not used; empty means "PBX name
	// missing".
	PBXName string
	// GroupName: the recordings group (group mode) or empty (open mode).
	GroupName string
	// Licenses is the number of licences allocated.
	Licenses int
	// TraceLevels holds the level of every category.
	TraceLevels map[Category]slog.Level
	// WebDAVUser is the user name the phones upload with; the password is
	// stored as a bcrypt hash only (see CheckWebDAVCredentials).
	WebDAVUser        string
	WebDAVPasswordSet bool
}

// PBXNameMissing reports whether the apps must show "PBX name missing".
func (s Settings) PBXNameMissing() bool { return s.PBXName == "" }

// SettingsUpdate changes the settings whose fields are set.
type SettingsUpdate struct {
	RetentionDays  *int
	PBXName        *string
	GroupName      *string
	Licenses       *int
	TraceLevels    map[Category]slog.Level
	WebDAVUser     *string
	WebDAVPassword *string // stored hashed with bcrypt
}

// Settings returns the settings (admins).
func (s *Service) Settings(ctx context.Context, a Actor) (Settings, error) {
	if err := checkActor(a); err != nil {
		return Settings{}, err
	}
	if !a.admin() {
		return Settings{}, Errorf(Forbidden, "only admins read settings")
	}
	return s.loadSettings(ctx)
}

// PBXName returns the PBX name of the settings ("" while unset), reading
// that one setting: correlation asks for it for every recording it
// resolves.
func (s *Service) PBXName(ctx context.Context) (string, error) {
	var name string
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		name, _, err = tx.Setting(keyPBXName)
		return err
	})
	return name, internal(err, "reading the PBX name")
}

func (s *Service) loadSettings(ctx context.Context) (Settings, error) {
	set := Settings{TraceLevels: map[Category]slog.Level{}}
	err := s.store.View(ctx, func(tx Tx) error {
		get := func(k string) (string, error) {
			v, _, err := tx.Setting(k)
			return v, err
		}
		var err error
		var v string
		if v, err = get(keyRetentionDays); err != nil {
			return err
		}
		set.RetentionDays, _ = strconv.Atoi(v)
		if v, err = get(keyLicenses); err != nil {
			return err
		}
		set.Licenses, _ = strconv.Atoi(v)
		if set.PBXName, err = get(keyPBXName); err != nil {
			return err
		}
		if set.GroupName, err = get(keyGroupName); err != nil {
			return err
		}
		if set.WebDAVUser, err = get(keyWebDAVUser); err != nil {
			return err
		}
		if v, err = get(keyWebDAVPassword); err != nil {
			return err
		}
		set.WebDAVPasswordSet = v != ""
		for _, c := range Categories() {
			set.TraceLevels[c] = slog.LevelInfo
			if v, err = get(keyTracePrefix + string(c)); err != nil {
				return err
			}
			if l, err := ParseLevel(v); v != "" && err == nil {
				set.TraceLevels[c] = l
			}
		}
		return nil
	})
	return set, internal(err, "reading settings")
}

// UpdateSettings changes settings at run time (admins); each change is
// audited (never with a password) and trace levels apply at once. A new
// PBX name re-correlates every recording in the background (ScopeAll):
// once a name is set only that PBX's CDRs count, while none is set all do.
func (s *Service) UpdateSettings(ctx context.Context, a Actor, u SettingsUpdate) (Settings, error) {
	if err := checkActor(a); err != nil {
		return Settings{}, err
	}
	if !a.admin() {
		return Settings{}, Errorf(Forbidden, "only admins change settings")
	}
	kv, err := settingValues(u)
	if err != nil {
		return Settings{}, err
	}
	keys := slices.Sorted(maps.Keys(kv))
	pbxChanged := false
	err = s.store.Update(ctx, func(tx Tx) error {
		pbxChanged = false
		if v, ok := kv[keyPBXName]; ok {
			old, _, err := tx.Setting(keyPBXName)
			if err != nil {
				return err
			}
			pbxChanged = old != v
		}
		for _, k := range keys {
			if err := tx.PutSetting(k, kv[k]); err != nil {
				return err
			}
			detail := k + "=" + kv[k]
			if k == keyWebDAVPassword {
				detail = "webdav_password changed"
			}
			if err := s.audit(tx, a, ActionSetting, nil, detail); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Settings{}, internal(err, "storing settings")
	}
	s.logUI.Info("settings changed", "actor", a.Name, "keys", keys)
	if pbxChanged {
		// Which CDRs count changed: every recording of a call is
		// correlated again, in the background.
		s.RequestRecorrelation(ScopeAll)
	}
	if err := s.settingsChanged(ctx, kv); err != nil {
		return Settings{}, err
	}
	return s.loadSettings(ctx)
}

// SeedSettings sets the settings of u that are still unset: start-up flags
// seed a setting once; afterwards admins change it at run time.
func (s *Service) SeedSettings(ctx context.Context, u SettingsUpdate) error {
	kv, err := settingValues(u)
	if err != nil {
		return err
	}
	err = s.store.Update(ctx, func(tx Tx) error {
		for _, k := range slices.Sorted(maps.Keys(kv)) {
			_, ok, err := tx.Setting(k)
			if err != nil {
				return err
			}
			if ok {
				continue
			}
			if err := tx.PutSetting(k, kv[k]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return internal(err, "seeding settings")
	}
	return s.settingsChanged(ctx, kv)
}

// settingsChanged applies changed settings that act at run time: trace
// levels, and the licence count and group of the licence engine.
func (s *Service) settingsChanged(ctx context.Context, kv map[string]string) error {
	if err := s.applyTraceLevels(ctx); err != nil {
		return err
	}
	_, l := kv[keyLicenses]
	_, g := kv[keyGroupName]
	if !l && !g {
		return nil
	}
	if err := s.configureLicensing(ctx); err != nil {
		return internal(err, "applying the licence settings")
	}
	return nil
}

// settingValues validates u and renders it as setting keys and values.
func settingValues(u SettingsUpdate) (map[string]string, error) {
	kv := map[string]string{}
	if u.RetentionDays != nil {
		d := *u.RetentionDays
		if d < 0 || d > MaxRetentionDays {
			return nil, Errorf(Invalid, "retention days must be 0 (keep for ever) to %d", MaxRetentionDays)
		}
		kv[keyRetentionDays] = strconv.Itoa(d)
	}
	if u.Licenses != nil {
		if *u.Licenses < 0 {
			return nil, Errorf(Invalid, "licence count must not be negative")
		}
		kv[keyLicenses] = strconv.Itoa(*u.Licenses)
	}
	for key, p := range map[string]*string{keyPBXName: u.PBXName, keyGroupName: u.GroupName, keyWebDAVUser: u.WebDAVUser} {
		if p == nil {
			continue
		}
		v := strings.TrimSpace(*p)
		if len(v) > 200 || strings.ContainsAny(v, "\x00\r\n") {
			return nil, Errorf(Invalid, "%s must be one line of at most 200 bytes", key)
		}
		if key == keyWebDAVUser && strings.Contains(v, ":") {
			return nil, Errorf(Invalid, "the WebDAV user name must not contain ':'")
		}
		kv[key] = v
	}
	for c, l := range u.TraceLevels {
		if !slices.Contains(Categories(), c) {
			return nil, Errorf(Invalid, "unknown trace category %q", c)
		}
		kv[keyTracePrefix+string(c)] = FormatLevel(l)
	}
	if u.WebDAVPassword != nil {
		pw := *u.WebDAVPassword
		if pw == "" || len(pw) > 72 {
			return nil, Errorf(Invalid, "the WebDAV password must be 1 to 72 bytes")
		}
		h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
		if err != nil {
			return nil, fmt.Errorf("hashing the password: %w", err)
		}
		kv[keyWebDAVPassword] = string(h)
	}
	return kv, nil
}

// CheckWebDAVCredentials reports whether user and password are the WebDAV
// credentials of the settings. With none configured, every upload is
// refused (false); the server decides whether to require them at all.
func (s *Service) CheckWebDAVCredentials(ctx context.Context, user, password string) (bool, error) {
	var wantUser, hash string
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		if wantUser, _, err = tx.Setting(keyWebDAVUser); err != nil {
			return err
		}
		hash, _, err = tx.Setting(keyWebDAVPassword)
		return err
	})
	if err != nil {
		return false, internal(err, "reading credentials")
	}
	if hash == "" {
		return false, nil
	}
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(wantUser)) == 1
	pwErr := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
	return userOK && pwErr == nil, nil
}

// applyTraceLevels sets the Tracer's levels from the settings.
func (s *Service) applyTraceLevels(ctx context.Context) error {
	ls, ok := s.tracer.(LevelSetter)
	if !ok {
		return nil
	}
	set, err := s.loadSettings(ctx)
	if err != nil {
		return err
	}
	for c, l := range set.TraceLevels {
		ls.SetLevel(c, l)
	}
	return nil
}
