package corpus_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/f0fce437/callrec/internal/corpus"
)

func TestLocateFromEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(corpus.EnvDir, dir)
	got, err := corpus.Locate()
	if err != nil || got != dir {
		t.Fatalf("Locate() = %q, %v; want %q", got, err, dir)
	}
}

func TestLocateRejectsRelativePath(t *testing.T) {
	t.Setenv(corpus.EnvDir, "../shared/testdata")
	if _, err := corpus.Locate(); err == nil {
		t.Fatal("Locate accepted a relative path")
	}
}

func TestLocateRejectsMissingDir(t *testing.T) {
	t.Setenv(corpus.EnvDir, filepath.Join(t.TempDir(), "nope"))
	if _, err := corpus.Locate(); err == nil {
		t.Fatal("Locate accepted a missing directory")
	}
}

func TestPathFindsFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "a"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a", "b.bin"), []byte{1, 2}, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(corpus.EnvDir, dir)
	if got := corpus.ReadFile(t, "a", "b.bin"); len(got) != 2 {
		t.Fatalf("ReadFile = %v", got)
	}
}
