package recordings

import "time"

// Role is what an actor may do.
type Role string

// Roles. RoleSystem is the service itself (ingest, sweepers); the HTTP layer
// never builds it from a request.
const (
	RoleUser   Role = "user"
	RoleAdmin  Role = "admin"
	RoleSystem Role = "system"
)

// Actor is who asks: a user of the directory (name and role), or the system.
type Actor struct {
	Name string
	Role Role
}

// SystemActor is the actor of the service's own work: ingest, conversion,
// retention and NoCDR sweeps.
func SystemActor() Actor { return Actor{Name: "system", Role: RoleSystem} }

func (a Actor) admin() bool { return a.Role == RoleAdmin || a.Role == RoleSystem }

// Action names what an audit entry records.
type Action string

// Audited actions.
const (
	ActionUpload          Action = "upload"           // an upload completed (or was kept as partial)
	ActionUploadDiscarded Action = "upload.discarded" // an aborted repeat upload did not replace a complete one
	ActionUploadEmpty     Action = "upload.empty"     // an empty upload: a placeholder, nothing stored
	ActionListen          Action = "listen"
	ActionDownload        Action = "download"
	ActionProtect         Action = "protect"
	ActionUnprotect       Action = "unprotect"
	ActionDelete          Action = "delete"
	ActionNote            Action = "note"
	ActionSetting         Action = "setting"
	ActionRetentionDelete Action = "retention.delete"
	ActionLicenseDelete   Action = "license.delete"
	ActionReconvert       Action = "reconvert"
)

// AuditEntry is one line of the audit log. Entries outlive the recordings
// they are about.
type AuditEntry struct {
	ID          int64
	Time        time.Time
	Actor       string
	Action      Action
	RecordingID string // empty for settings
	// Owner is who may read the entry besides admins: the recording's
	// current owner (its last one once it is deleted), kept in step by the
	// Service whenever the owner changes; for an entry about no recording,
	// the user it concerns ("" for admins only).
	Owner  string
	Detail string
}
