package httpapi

import (
	"log/slog"

	"github.com/f0fce437/callrec/recordings"
)

// settingsJSON is the body of GET and PUT /api/v1/settings. The WebDAV
// password is write-only: PUT sets it, GET never shows it.
type settingsJSON struct {
	RetentionDays  int               `json:"retention_days"`
	GroupName      string            `json:"group_name"`
	PBXName        string            `json:"pbx_name"`
	Licenses       int               `json:"licenses"`
	WebDAVUser     string            `json:"webdav_user"`
	WebDAVPassword bool              `json:"webdav_password_set"`
	TraceLevels    map[string]string `json:"trace_levels"`
}

// settingsUpdateJSON is a PUT body: the fields present are changed.
type settingsUpdateJSON struct {
	RetentionDays  *int              `json:"retention_days"`
	GroupName      *string           `json:"group_name"`
	PBXName        *string           `json:"pbx_name"`
	Licenses       *int              `json:"licenses"`
	WebDAVUser     *string           `json:"webdav_user"`
	WebDAVPassword *string           `json:"webdav_password"`
	TraceLevels    map[string]string `json:"trace_levels"`
	// Sent back by clients that PUT what they GET; ignored.
	WebDAVPasswordSet *bool `json:"webdav_password_set"`
}

func toSettingsJSON(s recordings.Settings) settingsJSON {
	levels := make(map[string]string, len(s.TraceLevels))
	for _, c := range recordings.Categories() {
		if l, ok := s.TraceLevels[c]; ok {
			levels[string(c)] = recordings.FormatLevel(l)
		}
	}
	return settingsJSON{
		RetentionDays: s.RetentionDays, GroupName: s.GroupName, PBXName: s.PBXName, Licenses: s.Licenses,
		WebDAVUser: s.WebDAVUser, WebDAVPassword: s.WebDAVPasswordSet, TraceLevels: levels,
	}
}

func (b settingsUpdateJSON) update() (recordings.SettingsUpdate, error) {
	u := recordings.SettingsUpdate{
		RetentionDays: b.RetentionDays, GroupName: b.GroupName, PBXName: b.PBXName, Licenses: b.Licenses,
		WebDAVUser: b.WebDAVUser, WebDAVPassword: b.WebDAVPassword,
	}
	if len(b.TraceLevels) > 0 {
		known := make(map[recordings.Category]bool)
		for _, c := range recordings.Categories() {
			known[c] = true
		}
		for name, level := range b.TraceLevels {
			c := recordings.Category(name)
			if !known[c] {
				return u, recordings.Errorf(recordings.Invalid, "unknown trace category %q", name)
			}
			l, err := recordings.ParseLevel(level)
			if err != nil {
				return u, recordings.Wrap(err, recordings.Invalid, "trace level of "+name+": "+err.Error())
			}
			if u.TraceLevels == nil {
				u.TraceLevels = make(map[recordings.Category]slog.Level)
			}
			u.TraceLevels[c] = l
		}
	}
	return u, nil
}
