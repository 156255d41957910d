package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/f0fce437/callrec/adapters/httpapi"
	"github.com/f0fce437/callrec/internal/atomicfile"
)

// sessionFile keeps the REST API's sessions in a file of the data
// directory (tokens only as their SHA-256), so that a restart does not log
// everyone out: an app open in a browser or in myApps keeps working across
// an upgrade. It is written in the background after a session starts or
// ends, and once more at Close with the last use of each.
type sessionFile struct {
	path string
	kick chan struct{} // a save is due; holds at most one
}

func newSessionFile(path string) *sessionFile {
	return &sessionFile{path: path, kick: make(chan struct{}, 1)}
}

// changed asks for a save (httpapi.SessionOptions.Changed); it never blocks.
func (f *sessionFile) changed() {
	select {
	case f.kick <- struct{}{}:
	default: // a save is due already and will see this change too
	}
}

// load returns the saved sessions; none when there is no file.
func (f *sessionFile) load() ([]httpapi.SavedSession, error) {
	data, err := os.ReadFile(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var saved []httpapi.SavedSession
	if err := json.Unmarshal(data, &saved); err != nil {
		return nil, fmt.Errorf("%s: %w", f.path, err)
	}
	return saved, nil
}

func (f *sessionFile) save(s *httpapi.Sessions) error {
	data, err := json.Marshal(s.Save())
	if err != nil {
		return err
	}
	return atomicfile.Replace(f.path, data)
}

// saveSessions saves the sessions whenever a save is due, until ctx ends.
func (m *Main) saveSessions(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-m.sessionFile.kick:
			if err := m.sessionFile.save(m.sessions); err != nil {
				m.Logger.Error("saving the sessions", "err", err)
			}
		}
	}
}
