// Package atomicfile writes small files that must survive a crash whole:
// the data goes to a temporary file beside the target (mode 0600: these
// files hold users and secrets), is synced, then takes the target's name,
// and the directory is synced so that the name survives too. A crash leaves
// the old file or the new one, never a part.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// Replace writes data to path, replacing the file there if any.
func Replace(path string, data []byte) error {
	return write(path, data, os.Rename)
}

// Create writes data to a new file at path; it fails with an error
// satisfying errors.Is(err, os.ErrExist) if path exists, also when it
// appears while Create runs: it never overwrites.
func Create(path string, data []byte) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s: %w", path, os.ErrExist)
	}
	return write(path, data, os.Link)
}

// write writes data to a temporary file in path's directory and installs
// it at path with install (rename or link).
func write(path string, data []byte, install func(tmp, path string) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := install(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
