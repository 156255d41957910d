// Package pbxusersfile keeps the users the PBX told of (recordings/directory's
// learned users) in a JSON file, pbx-users.json in the server's data
// directory:
//
//	{"users":[{"name":"carol","display_name":"Carol C","groups":["recordings"],
//	           "cdr":{"utc":1767348000,"arrival":3},
//	           "devices":[{"name":"carol-phone","cdr":{"utc":1767348000,"arrival":3}}]}]}
//
// groups, cdr and devices are there for users a CDR named (the memberships
// of their latest CDR and its order; the devices their CDRs named, each
// with the order of the latest CDR naming it); files of earlier versions,
// without devices ({"users":[{"name","display_name","groups","cdr"}]}) or
// of users known from AppLogin only ({"users":[{"name","display_name"}]}),
// read as such. The file is replaced atomically (temporary file, fsync, rename)
// and readable by its owner only.
package pbxusersfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/f0fce437/callrec/internal/atomicfile"
	"github.com/f0fce437/callrec/recordings/directory"
)

// MaxFileSize bounds the file read: directory.MaxLearned users with long
// names and many groups fit.
const MaxFileSize = 256 << 20

// File is a directory.Store on one JSON file. The directory calls it one
// at a time; it is not safe for concurrent use otherwise.
type File struct{ path string }

var _ directory.Store = (*File)(nil)

// New returns the store of the file at path (created by the first Save).
func New(path string) *File { return &File{path: path} }

type document struct {
	Users []user `json:"users"`
}

type user struct {
	Name        string   `json:"name"`
	DisplayName string   `json:"display_name,omitempty"`
	Groups      []string `json:"groups,omitempty"`
	CDR         *stamp   `json:"cdr,omitempty"`
	Devices     []device `json:"devices,omitempty"`
}

type device struct {
	Name string `json:"name"`
	CDR  stamp  `json:"cdr"`
}

// stamp is directory.Stamp with JSON names; the two convert into each
// other, so a field added to one must be added to the other.
type stamp struct {
	UTC     int64  `json:"utc"`
	Arrival uint64 `json:"arrival"`
}

// Load implements directory.Store: a missing file holds no users.
func (f *File) Load() ([]directory.Learned, error) {
	fh, err := os.Open(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", f.path, MaxFileSize)
	}
	var doc document
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", f.path, err)
	}
	out := make([]directory.Learned, 0, len(doc.Users))
	for _, u := range doc.Users {
		l := directory.Learned{Name: u.Name, DisplayName: u.DisplayName, Groups: u.Groups}
		if u.CDR != nil {
			l.CDR = directory.Stamp(*u.CDR)
		}
		for _, d := range u.Devices {
			l.Devices = append(l.Devices, directory.Device{Name: d.Name, CDR: directory.Stamp(d.CDR)})
		}
		out = append(out, l)
	}
	return out, nil
}

// Save implements directory.Store.
func (f *File) Save(users []directory.Learned) error {
	doc := document{Users: make([]user, 0, len(users))}
	for _, l := range users {
		u := user{Name: l.Name, DisplayName: l.DisplayName, Groups: l.Groups}
		if !l.CDR.IsZero() {
			s := stamp(l.CDR)
			u.CDR = &s
		}
		for _, d := range l.Devices {
			u.Devices = append(u.Devices, device{Name: d.Name, CDR: stamp(d.CDR)})
		}
		doc.Users = append(doc.Users, u)
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return atomicfile.Replace(f.path, data)
}
