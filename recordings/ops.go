package recordings

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Limits of listings.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
	maxNoteLen      = 10000
)

func checkActor(a Actor) error {
	switch {
	case a.Role == RoleSystem:
		return nil
	case a.Name == "":
		return Errorf(Unauthorized, "no actor")
	case a.Role != RoleUser && a.Role != RoleAdmin:
		return Errorf(Unauthorized, "unknown role %q", a.Role)
	}
	return nil
}

// visible decides whether a may know that r exists: admins see everything;
// a user sees only their own recordings, and only while licensed. Anything
// else answers NotFound, indistinguishable from a missing recording.
func visible(a Actor, r *Recording) error {
	if a.admin() || (a.Role == RoleUser && r.Owner == a.Name && !r.Unlicensed) {
		return nil
	}
	return notFound(r.ID)
}

// load returns the recording id if a may see it.
func (s *Service) load(tx Tx, a Actor, id string) (*Recording, error) {
	r, err := tx.Recording(id)
	if ErrorCode(err) == NotFound {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, err
	}
	if err := visible(a, r); err != nil {
		return nil, err
	}
	return r, nil
}

// Filter selects recordings for List. Zero fields do not filter.
type Filter struct {
	Owner       *string // admins only: exactly this owner ("" = none)
	Text        string  // free text over names and numbers
	From, To    time.Time
	Direction   Direction
	MinDuration time.Duration
	MaxDuration time.Duration
	Status      Status
	Cursor      string // Page.Next of the previous page
	Limit       int    // default 50, at most 500
}

// Page is one page of a listing. Next is the cursor of the next page, or ""
// at the end.
type Page struct {
	Recordings []*Recording
	Next       string
}

// List returns the recordings a may see that match f, newest first: a user
// their own licensed ones, an admin all (unlicensed ones marked).
func (s *Service) List(ctx context.Context, a Actor, f Filter) (Page, error) {
	if err := checkActor(a); err != nil {
		return Page{}, err
	}
	q := Query{
		Owner: f.Owner, Text: f.Text, From: f.From, To: f.To, Direction: f.Direction,
		MinDuration: f.MinDuration, MaxDuration: f.MaxDuration, Status: f.Status,
	}
	var err error
	if q.Limit, err = pageLimit(f.Limit); err != nil {
		return Page{}, err
	}
	if !q.Direction.Valid() {
		return Page{}, Errorf(Invalid, "unknown direction %q", q.Direction)
	}
	if q.Status != "" && !q.Status.Valid() {
		return Page{}, Errorf(Invalid, "unknown status %q", q.Status)
	}
	if len(q.Text) > 200 {
		return Page{}, Errorf(Invalid, "search text longer than 200 bytes")
	}
	if !a.admin() {
		name := a.Name
		if f.Owner != nil && *f.Owner != name {
			return Page{}, nil // a user filtering for someone else sees nothing
		}
		q.Owner, q.ExcludeUnlicensed = &name, true
	}
	if f.Cursor != "" {
		c, err := decodeCursor(f.Cursor)
		if err != nil {
			return Page{}, err
		}
		q.After = &c
	}
	recs, more, err := fetchPage(ctx, s.store, q.Limit, func(tx Tx, n int) ([]*Recording, error) {
		q.Limit = n
		return tx.Recordings(q)
	})
	if err != nil {
		return Page{}, internal(err, "listing recordings")
	}
	p := Page{Recordings: recs}
	if more {
		last := recs[len(recs)-1]
		p.Next = encodeCursor(Cursor{Start: last.Start, ID: last.ID})
	}
	return p, nil
}

// pageLimit validates a requested page size (0: the default).
func pageLimit(n int) (int, error) {
	switch {
	case n == 0:
		return DefaultPageSize, nil
	case n < 0 || n > MaxPageSize:
		return 0, Errorf(Invalid, "limit must be 1 to %d", MaxPageSize)
	}
	return n, nil
}

// fetchPage reads limit items through fetch, asking for one more to learn
// whether a next page exists.
func fetchPage[T any](ctx context.Context, st Store, limit int, fetch func(tx Tx, n int) ([]T, error)) (items []T, more bool, err error) {
	err = st.View(ctx, func(tx Tx) error {
		var err error
		items, err = fetch(tx, limit+1)
		return err
	})
	if len(items) > limit {
		return items[:limit], true, err
	}
	return items, false, err
}

// eachPage reads the recordings of q page by page (q.Limit each, from
// q.After on), each page in a View of its own, and calls fn with every page
// outside the View, so fn may call the Service. A read error is wrapped
// with msg; an error from fn stops the walk and is returned as it is.
func (s *Service) eachPage(ctx context.Context, q Query, msg string, fn func([]*Recording) error) error {
	for {
		var recs []*Recording
		err := s.store.View(ctx, func(tx Tx) error {
			var err error
			recs, err = tx.Recordings(q)
			return err
		})
		if err != nil {
			return internal(err, msg)
		}
		if len(recs) == 0 {
			return nil
		}
		if err := fn(recs); err != nil {
			return err
		}
		last := recs[len(recs)-1]
		q.After = &Cursor{Start: last.Start, ID: last.ID}
	}
}

func encodeCursor(c Cursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.Start.UnixNano(), 10) + ":" + c.ID))
}

func decodeCursor(s string) (Cursor, error) {
	bad := Errorf(Invalid, "bad cursor")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, bad
	}
	ts, id, ok := strings.Cut(string(b), ":")
	if !ok {
		return Cursor{}, bad
	}
	ns, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return Cursor{}, bad
	}
	return Cursor{Start: time.Unix(0, ns).UTC(), ID: id}, nil
}

// Get returns recording id if a may see it.
func (s *Service) Get(ctx context.Context, a Actor, id string) (*Recording, error) {
	if err := checkActor(a); err != nil {
		return nil, err
	}
	var r *Recording
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		r, err = s.load(tx, a, id)
		return err
	})
	return r, internal(err, "reading the recording")
}

// MediaKind says which file of a recording is opened, and why (it is
// audited).
type MediaKind int

// Media kinds.
const (
	MediaListen   MediaKind = iota // the WAV, played in the page (audited "listen")
	MediaDownload                  // the WAV as an attachment, or in a ZIP (audited "download")
	MediaPCAP                      // the original pcap (admins; audited "download")
)

// MediaFile is an opened WAV or pcap. It is an io.ReadSeeker for
// http.ServeContent; the caller must Close it.
type MediaFile struct {
	Blob
	Name        string // file name for a download
	ContentType string
	ModTime     time.Time
	// ETag is a strong entity tag of the file's content (its quoted
	// SHA-256): a WAV converted again changes it even when ModTime stays,
	// so a client revalidating its cached copy gets the new one.
	ETag      string
	Recording *Recording
}

// Open opens a recording's WAV or pcap for a.
//
// Every download (kind MediaDownload or MediaPCAP) is audited. A listen is
// audited once per playback: a player fetches the audio in many range
// requests (buffering, seeking), so an Open for listening is audited only
// when the same actor has not opened the same recording for listening
// within Config.ListenSession (sliding from the last request). Playbacks
// are remembered by this process only: after a restart the next request is
// audited again.
//
// Errors: NotFound when a may not see it; Unlicensed (for admins; users get
// NotFound) while its owner holds no licence; Forbidden for a user asking
// for the pcap; Conflict when there is no WAV yet.
func (s *Service) Open(ctx context.Context, a Actor, id string, kind MediaKind) (*MediaFile, error) {
	if err := checkActor(a); err != nil {
		return nil, err
	}
	var r *Recording
	check := func(tx Tx) error {
		var err error
		if r, err = s.load(tx, a, id); err != nil {
			return err
		}
		if r.Unlicensed {
			return Errorf(Unlicensed, "recording %q is not licensed: its owner holds no licence", id)
		}
		switch kind {
		case MediaPCAP:
			if !a.admin() {
				return Errorf(Forbidden, "only admins download the original pcap")
			}
			if r.PCAP.Key == "" {
				return Errorf(Conflict, "recording %q has no pcap yet", id)
			}
		case MediaListen, MediaDownload:
			if r.WAV.Key == "" {
				return Errorf(Conflict, "recording %q is not converted (status %s)", id, r.Status)
			}
		default:
			return Errorf(Invalid, "unknown media kind %d", kind)
		}
		return nil
	}
	now := s.clock.Now()
	var err error
	if kind == MediaListen && s.listens.playing(a, id, now) {
		err = s.store.View(ctx, check)
	} else {
		action := ActionDownload
		if kind == MediaListen {
			action = ActionListen
		}
		err = s.store.Update(ctx, func(tx Tx) error {
			if err := check(tx); err != nil {
				return err
			}
			return s.audit(tx, a, action, r, "")
		})
	}
	if err != nil {
		return nil, internal(err, "opening the recording")
	}
	if kind == MediaListen {
		s.listens.heard(a, id, now)
	}
	ref, ext, ctype := r.WAV, ".wav", "audio/wav"
	if kind == MediaPCAP {
		ref, ext, ctype = r.PCAP, ".pcap", "application/vnd.tcpdump.pcap"
	}
	b, err := s.blobs.Open(ctx, ref.Key)
	if err != nil {
		return nil, internal(err, "opening the recording's file")
	}
	f := &MediaFile{Blob: b, Name: mediaName(r) + ext, ContentType: ctype, ModTime: r.UploadCompleted, Recording: r}
	if ref.SHA256 != "" {
		f.ETag = `"` + ref.SHA256 + `"`
	}
	return f, nil
}

// playbacks remembers when each actor last opened each recording for
// listening, so that one playback is one audit entry. It is safe for
// concurrent use.
type playbacks struct {
	session time.Duration
	mu      sync.Mutex
	last    map[playback]time.Time
}

type playback struct {
	actor Actor
	id    string
}

// maxPlaybacks bounds the memory of playbacks; past it, the ended ones are
// forgotten.
const maxPlaybacks = 10000

// playing reports whether a's playback of recording id is still going on
// at now.
func (p *playbacks) playing(a Actor, id string, now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	last, ok := p.last[playback{a, id}]
	return ok && now.Sub(last) < p.session
}

// heard notes that a opened recording id for listening at now.
func (p *playbacks) heard(a Actor, id string, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last == nil {
		p.last = make(map[playback]time.Time)
	}
	if len(p.last) >= maxPlaybacks {
		for k, t := range p.last {
			if now.Sub(t) >= p.session {
				delete(p.last, k)
			}
		}
	}
	p.last[playback{a, id}] = now
}

// mediaName is a download file name safe for a Content-Disposition header:
// the upload's name without its extension, restricted to [A-Za-z0-9._-].
func mediaName(r *Recording) string {
	name := strings.TrimSuffix(strings.TrimSuffix(r.FileName, ".pcap"), ".PCAP")
	var b strings.Builder
	for _, c := range name {
		if c < 128 && (c == '.' || c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return r.ID
	}
	return b.String()
}

// Protect sets the protected flag: a protected recording is never deleted,
// neither by a user nor by retention or licence expiry.
func (s *Service) Protect(ctx context.Context, a Actor, id string) (*Recording, error) {
	return s.setProtected(ctx, a, id, true)
}

// Unprotect clears the protected flag.
func (s *Service) Unprotect(ctx context.Context, a Actor, id string) (*Recording, error) {
	return s.setProtected(ctx, a, id, false)
}

func (s *Service) setProtected(ctx context.Context, a Actor, id string, on bool) (*Recording, error) {
	if err := checkActor(a); err != nil {
		return nil, err
	}
	var r *Recording
	changed := false
	err := s.store.Update(ctx, func(tx Tx) error {
		var err error
		if r, err = s.load(tx, a, id); err != nil {
			return err
		}
		changed = r.Protected != on
		r.Protected = on
		if err := tx.PutRecording(r); err != nil {
			return err
		}
		action := ActionProtect
		if !on {
			action = ActionUnprotect
		}
		return s.audit(tx, a, action, r, "")
	})
	if err != nil {
		return nil, internal(err, "changing protection")
	}
	if changed && r.Status != StatusReceiving {
		s.observe(ctx, LicenseProtected, r)
	}
	return r, nil
}

// Delete deletes a recording physically (its pcap, WAV, notes and row); the
// audit entries stay. It is refused while the recording is protected
// (Protected) or its first upload is still streaming (Conflict).
func (s *Service) Delete(ctx context.Context, a Actor, id string) error {
	if err := checkActor(a); err != nil {
		return err
	}
	return s.deleteRecording(ctx, a, id, ActionDelete, "")
}

func (s *Service) deleteRecording(ctx context.Context, a Actor, id string, action Action, detail string) error {
	var r *Recording
	err := s.store.Update(ctx, func(tx Tx) error {
		var err error
		if r, err = s.load(tx, a, id); err != nil {
			return err
		}
		if r.Protected {
			return Errorf(Protected, "recording %q is protected", id)
		}
		if r.Status == StatusReceiving {
			return Errorf(Conflict, "recording %q is still being received", id)
		}
		if err := tx.DeleteRecording(id); err != nil {
			return err
		}
		return s.audit(tx, a, action, r, detail)
	})
	if err != nil {
		return internal(err, "deleting the recording")
	}
	s.deleteBlob(ctx, r.PCAP.Key)
	s.deleteBlob(ctx, r.WAV.Key)
	s.logRec.Info("recording deleted", "recording", id, "actor", a.Name, "action", action)
	s.observe(ctx, LicenseDeleted, r)
	return nil
}

// AddNote attaches a note to a recording.
func (s *Service) AddNote(ctx context.Context, a Actor, id, text string) (Note, error) {
	if err := checkActor(a); err != nil {
		return Note{}, err
	}
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return Note{}, Errorf(Invalid, "empty note")
	case len(text) > maxNoteLen:
		return Note{}, Errorf(Invalid, "note longer than %d bytes", maxNoteLen)
	case !utf8.ValidString(text):
		return Note{}, Errorf(Invalid, "note is not UTF-8")
	}
	n := Note{RecordingID: id, Author: a.Name, Time: s.clock.Now().UTC(), Text: text}
	err := s.store.Update(ctx, func(tx Tx) error {
		r, err := s.load(tx, a, id)
		if err != nil {
			return err
		}
		if err := tx.AddNote(&n); err != nil {
			return err
		}
		return s.audit(tx, a, ActionNote, r, fmt.Sprintf("note %d", n.ID))
	})
	if err != nil {
		return Note{}, internal(err, "adding the note")
	}
	return n, nil
}

// Notes returns the notes of a recording, oldest first.
func (s *Service) Notes(ctx context.Context, a Actor, id string) ([]Note, error) {
	if err := checkActor(a); err != nil {
		return nil, err
	}
	var notes []Note
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := s.load(tx, a, id); err != nil {
			return err
		}
		var err error
		notes, err = tx.Notes(id)
		return err
	})
	return notes, internal(err, "reading notes")
}

// AuditFilter selects audit entries for AuditLog.
type AuditFilter struct {
	RecordingID string
	Cursor      string // AuditPage.Next of the previous page
	Limit       int    // default 50, at most 500
}

// AuditPage is one page of the audit log, newest first.
type AuditPage struct {
	Entries []AuditEntry
	Next    string
}

// AuditLog returns audit entries: a user those about their own recordings,
// an admin all.
func (s *Service) AuditLog(ctx context.Context, a Actor, f AuditFilter) (AuditPage, error) {
	if err := checkActor(a); err != nil {
		return AuditPage{}, err
	}
	q := AuditQuery{RecordingID: f.RecordingID}
	var err error
	if q.Limit, err = pageLimit(f.Limit); err != nil {
		return AuditPage{}, err
	}
	if f.Cursor != "" {
		id, err := strconv.ParseInt(f.Cursor, 10, 64)
		if err != nil || id <= 0 {
			return AuditPage{}, Errorf(Invalid, "bad cursor")
		}
		q.Before = id
	}
	if !a.admin() {
		name := a.Name
		q.Owner = &name
	}
	es, more, err := fetchPage(ctx, s.store, q.Limit, func(tx Tx, n int) ([]AuditEntry, error) {
		q.Limit = n
		return tx.Audit(q)
	})
	if err != nil {
		return AuditPage{}, internal(err, "reading the audit log")
	}
	p := AuditPage{Entries: es}
	if more {
		p.Next = strconv.FormatInt(es[len(es)-1].ID, 10)
	}
	return p, nil
}
