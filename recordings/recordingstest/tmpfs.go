package recordingstest

import (
	"os/exec"
	"testing"
)

// SmallDisk mounts a tmpfs of size (as mount takes it, e.g. "1m") on a
// temporary directory and returns the directory, for tests of a real full
// disk; it is unmounted when the test ends. Where the machine does not
// allow it (mounting needs root) the test is skipped with one line.
func SmallDisk(t testing.TB, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a %s tmpfs here (needs root): %v %s", size, err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", dir).Run() })
	return dir
}
