package fsblob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/f0fce437/callrec/recordings"
)

// Store is a BlobStore in a directory. It is safe for concurrent use; at
// most one writer per key may be open at a time.
type Store struct {
	blobs, staging string
}

var (
	_ recordings.BlobStore     = (*Store)(nil)
	_ recordings.BlobRecoverer = (*Store)(nil)
)

// New returns a Store in dir, creating it when needed.
func New(dir string) (*Store, error) {
	s := &Store{blobs: filepath.Join(dir, "blobs"), staging: filepath.Join(dir, "staging")}
	for _, d := range []string{s.blobs, s.staging} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, fmt.Errorf("fsblob: %w", err)
		}
	}
	return s, nil
}

// checkKey accepts relative slash-separated keys of [a-z0-9._-] segments,
// none of them "." or "..".
func checkKey(key string) error {
	if key == "" || len(key) > 512 {
		return recordings.Errorf(recordings.Invalid, "blob key must be 1 to 512 bytes")
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return recordings.Errorf(recordings.Invalid, "bad blob key %q", key)
		}
		for i := 0; i < len(seg); i++ {
			c := seg[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
				return recordings.Errorf(recordings.Invalid, "bad blob key %q", key)
			}
		}
	}
	return nil
}

func (s *Store) finalPath(key string) string { return filepath.Join(s.blobs, filepath.FromSlash(key)) }
func (s *Store) stagePath(key string) string {
	return filepath.Join(s.staging, strings.ReplaceAll(key, "/", "~"))
}

// storageErr gives a full disk its domain code.
func storageErr(err error, msg string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return recordings.Wrap(err, recordings.InsufficientStorage, "storage full")
	}
	return fmt.Errorf("fsblob: %s: %w", msg, err)
}

// Create starts writing key into its staging file.
func (s *Store) Create(ctx context.Context, key string) (recordings.BlobWriter, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(s.stagePath(key), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return nil, storageErr(err, "create")
	}
	return &writer{s: s, key: key, f: f, h: sha256.New()}, nil
}

// writer streams one blob. It hashes as it goes; after a Seek the hash is
// computed from the file at Commit instead.
type writer struct {
	s      *Store
	key    string
	f      *os.File
	h      hash.Hash
	n      int64
	seeked bool
	done   bool
}

// Write appends (or, after Seek, overwrites) data.
func (w *writer) Write(p []byte) (int, error) {
	if w.done {
		return 0, errors.New("fsblob: write after Commit or Abort")
	}
	n, err := w.f.Write(p)
	if !w.seeked {
		w.h.Write(p[:n])
		w.n += int64(n)
	}
	return n, storageErr(err, "write")
}

// Seek moves the write position, for writers that patch a header at the
// end (WAV).
func (w *writer) Seek(off int64, whence int) (int64, error) {
	w.seeked = true
	return w.f.Seek(off, whence)
}

func (w *writer) Commit() (recordings.BlobInfo, error) {
	if w.done {
		return recordings.BlobInfo{}, errors.New("fsblob: Commit after Commit or Abort")
	}
	w.done = true
	info := recordings.BlobInfo{Size: w.n, SHA256: hex.EncodeToString(w.h.Sum(nil))}
	var err error
	if w.seeked {
		info, err = hashFile(w.f)
	}
	if err == nil {
		err = w.s.promote(w.f, w.key)
	}
	if cerr := w.f.Close(); err == nil {
		err = storageErr(cerr, "close")
	}
	if err != nil {
		_ = os.Remove(w.s.stagePath(w.key))
		return recordings.BlobInfo{}, err
	}
	return info, nil
}

func (w *writer) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	w.f.Close()
	if err := os.Remove(w.s.stagePath(w.key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("fsblob: abort: %w", err)
	}
	return nil
}

// promote fsyncs the staged file f and renames it to key's place, fsyncing
// the directories whose entries changed.
func (s *Store) promote(f *os.File, key string) error {
	if err := f.Sync(); err != nil {
		return storageErr(err, "fsync")
	}
	final := s.finalPath(key)
	if err := s.mkdirs(filepath.Dir(final)); err != nil {
		return err
	}
	err := os.Rename(s.stagePath(key), final)
	if errors.Is(err, fs.ErrNotExist) {
		// A Delete removed the emptied directory in between: once more.
		if err = s.mkdirs(filepath.Dir(final)); err == nil {
			err = os.Rename(s.stagePath(key), final)
		}
	}
	if err != nil {
		return storageErr(err, "rename")
	}
	// Syncing the target directory makes the rename durable; the staging
	// entry's removal needs no sync of its own: at worst a crash leaves a
	// stale staging file that the next writer of the key truncates.
	return syncDir(filepath.Dir(final))
}

// mkdirs creates dir and its missing parents below s.blobs, fsyncing each
// parent so the new entries are durable too.
func (s *Store) mkdirs(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if parent := filepath.Dir(dir); parent != s.blobs && len(parent) > len(s.blobs) {
		if err := s.mkdirs(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o750); err != nil && !errors.Is(err, fs.ErrExist) {
		return storageErr(err, "mkdir")
	}
	return syncDir(filepath.Dir(dir))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return storageErr(err, "open dir")
	}
	defer d.Close()
	return storageErr(d.Sync(), "fsync dir")
}

func hashFile(f *os.File) (recordings.BlobInfo, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return recordings.BlobInfo{}, err
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return recordings.BlobInfo{}, fmt.Errorf("fsblob: hash: %w", err)
	}
	return recordings.BlobInfo{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// Recover commits what a writer of key left staged when the process died.
func (s *Store) Recover(ctx context.Context, key string) (recordings.BlobInfo, error) {
	if err := checkKey(key); err != nil {
		return recordings.BlobInfo{}, err
	}
	f, err := os.OpenFile(s.stagePath(key), os.O_RDWR, 0)
	if err != nil {
		return recordings.BlobInfo{}, err // fs.ErrNotExist when nothing is staged
	}
	defer f.Close()
	info, err := hashFile(f)
	if err != nil {
		return recordings.BlobInfo{}, err
	}
	if err := s.promote(f, key); err != nil {
		return recordings.BlobInfo{}, err
	}
	return info, nil
}

// Open opens key for reading; a missing key satisfies
// errors.Is(err, fs.ErrNotExist).
func (s *Store) Open(ctx context.Context, key string) (recordings.Blob, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	f, err := os.Open(s.finalPath(key))
	if err != nil {
		return nil, fmt.Errorf("fsblob: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("fsblob: %w", err)
	}
	return &blob{File: f, size: st.Size()}, nil
}

type blob struct {
	*os.File
	size int64
}

func (b *blob) Size() int64 { return b.size }

// Delete removes key and the directories it leaves empty; a missing key is
// no error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	p := s.finalPath(key)
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("fsblob: %w", err)
	}
	for dir := filepath.Dir(p); dir != s.blobs && len(dir) > len(s.blobs); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break // not empty, or gone
		}
	}
	return nil
}
