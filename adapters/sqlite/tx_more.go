package sqlite

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/f0fce437/callrec/recordings"
)

func (t *sqlTx) PutJob(j recordings.Job) error {
	_, err := t.exec(`INSERT INTO jobs (recording_id, created) VALUES (?, ?)
		ON CONFLICT (recording_id) DO UPDATE SET created = excluded.created`, j.RecordingID, nanos(j.Created))
	return err
}

func (t *sqlTx) DeleteJob(recordingID string) error {
	_, err := t.exec(`DELETE FROM jobs WHERE recording_id = ?`, recordingID)
	return err
}

func (t *sqlTx) Jobs() ([]recordings.Job, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT recording_id, created FROM jobs ORDER BY created, recording_id`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []recordings.Job
	for rows.Next() {
		var j recordings.Job
		var created int64
		if err := rows.Scan(&j.RecordingID, &created); err != nil {
			return nil, err
		}
		j.Created = fromNanos(created)
		out = append(out, j)
	}
	return out, translate(rows.Err())
}

func (t *sqlTx) PutUpload(u recordings.Upload) error {
	_, err := t.exec(`INSERT INTO uploads (id, recording_id, file_name, blob_key, started) VALUES (?, ?, ?, ?, ?)`,
		u.ID, u.RecordingID, u.FileName, u.BlobKey, nanos(u.Started))
	return err
}

func (t *sqlTx) DeleteUpload(id string) error {
	_, err := t.exec(`DELETE FROM uploads WHERE id = ?`, id)
	return err
}

func (t *sqlTx) Uploads() ([]recordings.Upload, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT id, recording_id, file_name, blob_key, started FROM uploads ORDER BY started, id`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []recordings.Upload
	for rows.Next() {
		var u recordings.Upload
		var started int64
		if err := rows.Scan(&u.ID, &u.RecordingID, &u.FileName, &u.BlobKey, &started); err != nil {
			return nil, err
		}
		u.Started = fromNanos(started)
		out = append(out, u)
	}
	return out, translate(rows.Err())
}

func (t *sqlTx) AddNote(n *recordings.Note) error {
	res, err := t.exec(`INSERT INTO notes (recording_id, author, time, text) VALUES (?, ?, ?, ?)`,
		n.RecordingID, n.Author, nanos(n.Time), n.Text)
	if err != nil {
		return err
	}
	n.ID, err = res.LastInsertId()
	return err
}

func (t *sqlTx) Notes(recordingID string) ([]recordings.Note, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT id, recording_id, author, time, text FROM notes WHERE recording_id = ? ORDER BY id`, recordingID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []recordings.Note
	for rows.Next() {
		var n recordings.Note
		var tm int64
		if err := rows.Scan(&n.ID, &n.RecordingID, &n.Author, &tm, &n.Text); err != nil {
			return nil, err
		}
		n.Time = fromNanos(tm)
		out = append(out, n)
	}
	return out, translate(rows.Err())
}

func (t *sqlTx) AppendAudit(e *recordings.AuditEntry) error {
	res, err := t.exec(`INSERT INTO audit (time, actor, action, recording_id, owner, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		nanos(e.Time), e.Actor, string(e.Action), e.RecordingID, e.Owner, e.Detail)
	if err != nil {
		return err
	}
	e.ID, err = res.LastInsertId()
	return err
}

func (t *sqlTx) Audit(q recordings.AuditQuery) ([]recordings.AuditEntry, error) {
	var where []string
	var args []any
	if q.RecordingID != "" {
		where, args = append(where, `recording_id = ?`), append(args, q.RecordingID)
	}
	if q.Owner != nil {
		where, args = append(where, `owner = ?`), append(args, *q.Owner)
	}
	if q.Before > 0 {
		where, args = append(where, `id < ?`), append(args, q.Before)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	text := `SELECT id, time, actor, action, recording_id, owner, detail FROM audit`
	if len(where) > 0 {
		text += ` WHERE ` + strings.Join(where, ` AND `)
	}
	text += ` ORDER BY id DESC LIMIT ?`
	rows, err := t.tx.QueryContext(t.ctx, text, append(args, limit)...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []recordings.AuditEntry
	for rows.Next() {
		var e recordings.AuditEntry
		var tm int64
		var action string
		if err := rows.Scan(&e.ID, &tm, &e.Actor, &action, &e.RecordingID, &e.Owner, &e.Detail); err != nil {
			return nil, err
		}
		e.Time, e.Action = fromNanos(tm), recordings.Action(action)
		out = append(out, e)
	}
	return out, translate(rows.Err())
}

func (t *sqlTx) SetAuditOwner(recordingID, owner string) error {
	_, err := t.exec(`UPDATE audit SET owner = ? WHERE recording_id = ? AND owner <> ?`, owner, recordingID, owner)
	return err
}

func (t *sqlTx) Setting(key string) (string, bool, error) {
	var v string
	err := t.tx.QueryRowContext(t.ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, translate(err)
	}
	return v, true, nil
}

func (t *sqlTx) PutSetting(key, value string) error {
	_, err := t.exec(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}
