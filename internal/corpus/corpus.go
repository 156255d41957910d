// Package corpus finds the shared test corpus (ITU-T vectors and call
// captures) that tests read but the repository may not hold: their licences
// forbid copying them in.
//
// The corpus is the directory named by CALLREC_TESTDATA (an absolute path),
// or, when that is unset, ../shared/testdata beside the module root (the
// directory holding go.mod, found by walking up from the test's working
// directory). When the corpus or a file of it is missing, tests skip with one
// line saying so, unless CALLREC_REQUIRE_TESTDATA=1, in which case they fail:
// CI sets it so that no corpus-based test can silently stop running.
package corpus

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Environment variables read by this package.
const (
	EnvDir     = "CALLREC_TESTDATA"
	EnvRequire = "CALLREC_REQUIRE_TESTDATA"
)

// Locate returns the corpus directory, or an error saying why none was found.
// It does not consult CALLREC_REQUIRE_TESTDATA; tests use Dir or Path.
func Locate() (string, error) {
	if dir := os.Getenv(EnvDir); dir != "" {
		if !filepath.IsAbs(dir) {
			return "", errors.New(EnvDir + " must be an absolute path (go test runs each package in its own directory), got " + dir)
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return "", errors.New(EnvDir + "=" + dir + " is not a directory")
		}
		return dir, nil
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(filepath.Dir(root), "shared", "testdata")
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", errors.New("no shared test corpus at " + dir + " (set " + EnvDir + ")")
	}
	return dir, nil
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// Required reports whether CALLREC_REQUIRE_TESTDATA=1, i.e. whether a missing
// corpus must fail tests instead of skipping them.
func Required() bool { return os.Getenv(EnvRequire) == "1" }

// Dir returns the corpus directory, or skips tb (fails it when the corpus is
// required) with one line naming what is missing.
func Dir(tb testing.TB) string {
	tb.Helper()
	dir, err := Locate()
	if err != nil {
		missing(tb, err.Error())
	}
	return dir
}

// Path returns the path of a file or directory inside the corpus, given as
// slash-separated elements relative to its root ("vectors/g711/sweep.src").
// Like Dir, it skips or fails tb when the corpus or that entry is missing.
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	p := filepath.Join(append([]string{Dir(tb)}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		missing(tb, "shared test corpus entry missing: "+p)
	}
	return p
}

// ReadFile returns the contents of a corpus file, skipping or failing tb as
// Path does when it is missing.
func ReadFile(tb testing.TB, elem ...string) []byte {
	tb.Helper()
	b, err := os.ReadFile(Path(tb, elem...))
	if err != nil {
		tb.Fatalf("corpus: %v", err)
	}
	return b
}

func missing(tb testing.TB, why string) {
	tb.Helper()
	if Required() {
		tb.Fatalf("%s (%s=1 forbids skipping)", why, EnvRequire)
	}
	tb.Skipf("skipping: %s", why)
}
