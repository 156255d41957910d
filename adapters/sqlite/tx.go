package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/f0fce437/callrec/recordings"
)

// sqlTx implements recordings.Tx on one database/sql transaction.
type sqlTx struct {
	ctx      context.Context
	tx       *sql.Tx
	readOnly bool
}

var errReadOnly = errors.New("sqlite: write in a read-only transaction")

func (t *sqlTx) exec(q string, args ...any) (sql.Result, error) {
	if t.readOnly {
		return nil, errReadOnly
	}
	res, err := t.tx.ExecContext(t.ctx, q, args...)
	return res, translate(err)
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func jsonText(v any) string {
	b, _ := json.Marshal(v) // slices of plain structs always marshal
	return string(b)
}

const recordingColumns = `id, file_name, name_valid, guid, mac, serial, reg_name,
	upload_started, upload_completed, pcap_key, pcap_size, pcap_sha256, wav_key, wav_size, wav_sha256,
	partial, status, failure, codecs, duration_ns, stats, streams, warnings, capture_start,
	call_state, owner, owner_set, remote_name, remote_number, direction, external, start, talk_time_ns, cdr_ref, protected, unlicensed, created, cdr_start`

func recordingArgs(r *recordings.Recording) []any {
	return []any{r.ID, r.FileName, r.Name.Valid, r.Name.GUID, r.Name.MAC, int64(r.Name.Serial), r.Name.RegName,
		nanos(r.UploadStarted), nanos(r.UploadCompleted), r.PCAP.Key, r.PCAP.Size, r.PCAP.SHA256, r.WAV.Key, r.WAV.Size, r.WAV.SHA256,
		r.Partial, string(r.Status), r.Failure, jsonText(nonNil(r.Media.Codecs)), int64(r.Media.Duration), jsonText(nonNil(r.Media.Stats)),
		string(r.Media.Streams), jsonText(nonNil(r.Media.Warnings)), nanos(r.Media.CaptureStart),
		string(r.CallState), r.Owner, nanos(r.OwnerSet), r.RemoteName, r.RemoteNumber, string(r.Direction), r.External, nanos(r.Start), int64(r.TalkTime), r.CDRRef,
		r.Protected, r.Unlicensed, nanos(r.Created), nanos(r.CDRStart)}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

type scanner interface{ Scan(...any) error }

func scanRecording(row scanner) (*recordings.Recording, error) {
	var (
		r                                                                                recordings.Recording
		serial, started, completed, dur, capStart, st, ownerSet, talk, created, cdrStart int64
		status, codecs, stats, streams, warns                                            string
		callState, dir                                                                   string
	)
	err := row.Scan(&r.ID, &r.FileName, &r.Name.Valid, &r.Name.GUID, &r.Name.MAC, &serial, &r.Name.RegName,
		&started, &completed, &r.PCAP.Key, &r.PCAP.Size, &r.PCAP.SHA256, &r.WAV.Key, &r.WAV.Size, &r.WAV.SHA256,
		&r.Partial, &status, &r.Failure, &codecs, &dur, &stats, &streams, &warns, &capStart,
		&callState, &r.Owner, &ownerSet, &r.RemoteName, &r.RemoteNumber, &dir, &r.External, &st, &talk, &r.CDRRef,
		&r.Protected, &r.Unlicensed, &created, &cdrStart)
	if err != nil {
		return nil, err
	}
	r.Name.Serial = uint64(serial)
	r.UploadStarted, r.UploadCompleted, r.Created = fromNanos(started), fromNanos(completed), fromNanos(created)
	r.Status, r.CallState, r.Direction = recordings.Status(status), recordings.CallState(callState), recordings.Direction(dir)
	r.Media.Duration, r.Media.CaptureStart, r.Start, r.OwnerSet = time.Duration(dur), fromNanos(capStart), fromNanos(st), fromNanos(ownerSet)
	r.TalkTime, r.CDRStart = time.Duration(talk), fromNanos(cdrStart)
	if streams != "" {
		r.Media.Streams = json.RawMessage(streams)
	}
	for _, f := range []struct {
		text string
		dst  any
	}{{codecs, &r.Media.Codecs}, {stats, &r.Media.Stats}, {warns, &r.Media.Warnings}} {
		if f.text == "[]" {
			continue // the common case, without the decoder's allocations
		}
		if err := json.Unmarshal([]byte(f.text), f.dst); err != nil {
			return nil, err
		}
	}
	if len(r.Media.Codecs) == 0 {
		r.Media.Codecs = nil
	}
	if len(r.Media.Stats) == 0 {
		r.Media.Stats = nil
	}
	if len(r.Media.Warnings) == 0 {
		r.Media.Warnings = nil
	}
	return &r, nil
}

func (t *sqlTx) queryRecording(where string, arg any) (*recordings.Recording, error) {
	row := t.tx.QueryRowContext(t.ctx, `SELECT `+recordingColumns+` FROM recordings WHERE `+where, arg)
	r, err := scanRecording(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, recordings.Errorf(recordings.NotFound, "recording not found")
	}
	return r, translate(err)
}

func (t *sqlTx) Recording(id string) (*recordings.Recording, error) {
	return t.queryRecording(`id = ?`, id)
}

func (t *sqlTx) RecordingByFileName(name string) (*recordings.Recording, error) {
	return t.queryRecording(`file_name = ?`, name)
}

func (t *sqlTx) PutRecording(r *recordings.Recording) error {
	if r.ID == "" || r.FileName == "" || !r.Status.Valid() {
		return recordings.Errorf(recordings.Invalid, "recording needs an ID, a file name and a valid status")
	}
	_, err := t.exec(putRecordingSQL, recordingArgs(r)...)
	return err
}

// putRecordingSQL is the upsert of PutRecording, derived from
// recordingColumns once: ON CONFLICT(id) updates in place; a clash on
// file_name stays an error.
var putRecordingSQL = func() string {
	ph := strings.TrimSuffix(strings.Repeat("?, ", strings.Count(recordingColumns, ",")+1), ", ")
	set := make([]string, 0, 40)
	for _, c := range strings.Split(recordingColumns, ",") {
		c = strings.TrimSpace(c)
		if c != "id" {
			set = append(set, c+" = excluded."+c)
		}
	}
	return `INSERT INTO recordings (` + recordingColumns + `) VALUES (` + ph + `)
		ON CONFLICT (id) DO UPDATE SET ` + strings.Join(set, ", ")
}()

func (t *sqlTx) DeleteRecording(id string) error {
	res, err := t.exec(`DELETE FROM recordings WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return recordings.Errorf(recordings.NotFound, "recording not found")
	}
	if _, err := t.exec(`DELETE FROM notes WHERE recording_id = ?`, id); err != nil {
		return err
	}
	_, err = t.exec(`DELETE FROM jobs WHERE recording_id = ?`, id)
	return err
}

// likeEscaper escapes the wildcards and the escape character of LIKE ...
// ESCAPE '\'; a Replacer is immutable and safe for concurrent use.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// likePattern escapes s for LIKE ... ESCAPE '\'.
func likePattern(s string) string {
	return "%" + likeEscaper.Replace(s) + "%"
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (t *sqlTx) Recordings(q recordings.Query) ([]*recordings.Recording, error) {
	var where []string
	var args []any
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	if q.Owner != nil {
		add(`owner = ?`, *q.Owner)
	}
	if q.Text != "" {
		p := likePattern(q.Text)
		add(`(file_name LIKE ? ESCAPE '\' OR owner LIKE ? ESCAPE '\' OR remote_name LIKE ? ESCAPE '\'
			OR remote_number LIKE ? ESCAPE '\' OR reg_name LIKE ? ESCAPE '\')`, p, p, p, p, p)
	}
	if !q.From.IsZero() {
		add(`start >= ?`, q.From.UnixNano())
	}
	if !q.To.IsZero() {
		add(`start < ?`, q.To.UnixNano())
	}
	if q.Direction != "" {
		add(`direction = ?`, string(q.Direction))
	}
	if q.MinDuration > 0 {
		add(`duration_ns >= ?`, int64(q.MinDuration))
	}
	if q.MaxDuration > 0 {
		add(`duration_ns <= ?`, int64(q.MaxDuration))
	}
	if q.Status != "" {
		add(`status = ?`, string(q.Status))
	}
	if q.CallState != "" {
		add(`call_state = ?`, string(q.CallState))
	}
	if q.GUID != "" {
		add(`guid = ?`, q.GUID)
	}
	if q.Protected != nil {
		add(`protected = ?`, boolInt(*q.Protected))
	}
	if q.ExcludeUnlicensed {
		add(`unlicensed = 0`)
	}
	if !q.CompletedBefore.IsZero() {
		add(`upload_completed > 0 AND upload_completed < ?`, q.CompletedBefore.UnixNano())
	}
	if q.After != nil {
		st := q.After.Start.UnixNano()
		add(`(start < ? OR (start = ? AND id < ?))`, st, st, q.After.ID)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	sqlText := `SELECT ` + recordingColumns + ` FROM recordings`
	if len(where) > 0 {
		sqlText += ` WHERE ` + strings.Join(where, ` AND `)
	}
	sqlText += ` ORDER BY start DESC, id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := t.tx.QueryContext(t.ctx, sqlText, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []*recordings.Recording
	for rows.Next() {
		r, err := scanRecording(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, translate(rows.Err())
}
