package sqlite_test

import (
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/f0fce437/callrec/adapters/fsblob"
	"github.com/f0fce437/callrec/adapters/sqlite"
	"github.com/f0fce437/callrec/recordings"
	"github.com/f0fce437/callrec/recordings/recordingstest"
	"github.com/stretchr/testify/require"
)

var benchRows = flag.Int("bench-rows", 1_000_000, "recordings in the database of BenchmarkListFirstPage")

const benchOwners = 1000

var benchEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// benchDB returns a database of *benchRows recordings of 1,000 owners over
// two years. Building one takes a minute, so it is kept in the temporary
// directory for the next run (delete callrec-bench-*.db to rebuild).
func benchDB(b *testing.B) string {
	b.Helper()
	ms, err := sqlite.Migrations()
	require.NoError(b, err)
	h := sha256.New() // a schema change invalidates the kept database
	for _, m := range ms {
		h.Write([]byte(m.SQL))
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("callrec-bench-%d-%x.db", *benchRows, h.Sum(nil)[:6]))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".building"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, tmp, sqlite.Options{})
	require.NoError(b, err)
	const batch = 20000
	step := 2 * 365 * 24 * time.Hour / time.Duration(*benchRows) // spread over two years
	for i := 0; i < *benchRows; i += batch {
		require.NoError(b, db.Update(ctx, func(tx recordings.Tx) error {
			for j := i; j < min(i+batch, *benchRows); j++ {
				start := benchEpoch.Add(time.Duration(j) * step)
				name := fmt.Sprintf("%032x-009033302ab1-%d--u%d-phone.pcap", j, j, j%benchOwners)
				r := &recordings.Recording{
					ID: fmt.Sprintf("%016x", j), FileName: name, Name: recordings.ParseFileName(name),
					UploadStarted: start, UploadCompleted: start.Add(3 * time.Minute),
					PCAP:   recordings.BlobRef{Key: "pcap/" + name, Size: 1 << 20, SHA256: strings.Repeat("a", 64)},
					WAV:    recordings.BlobRef{Key: "wav/" + name, Size: 1 << 21, SHA256: strings.Repeat("b", 64)},
					Status: recordings.StatusReady, CallState: recordings.CallCDR,
					Owner: fmt.Sprintf("u%d", j%benchOwners), RemoteName: fmt.Sprintf("Caller %d", j%7919),
					RemoteNumber: fmt.Sprintf("+4930%07d", j%9999991), Direction: recordings.DirectionIn,
					Start: start, Unlicensed: (j/benchOwners)%50 == 0, // 2% of every owner's
					Media: recordings.Media{Codecs: []string{"PCMA"}, Duration: time.Duration(j%600) * time.Second},
				}
				if err := tx.PutRecording(r); err != nil {
					return err
				}
			}
			return nil
		}))
	}
	require.NoError(b, db.Close())
	require.NoError(b, os.Rename(tmp, path))
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	return path
}

// BenchmarkListFirstPage lists the first page (50) of one user's
// recordings in a 60-day window, through the service as the user app does,
// on a database of a million recordings. It reports the p99 latency; the
// peer runs the same SQL in the sqlite3 shell (C SQLite) on the same file.
func BenchmarkListFirstPage(b *testing.B) {
	path := benchDB(b)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	require.NoError(b, err)
	defer db.Close()
	blobs, err := fsblob.New(b.TempDir())
	require.NoError(b, err)
	svc, err := recordings.New(recordings.Config{Store: db, Blobs: blobs, Converter: &recordingstest.Converter{},
		Tracer: recordings.NewTracing(slog.DiscardHandler)})
	require.NoError(b, err)
	window := func(i int) (string, time.Time, time.Time) {
		from := benchEpoch.Add(time.Duration(i%600) * 24 * time.Hour)
		return fmt.Sprintf("u%d", (i*7)%benchOwners), from, from.Add(60 * 24 * time.Hour)
	}
	for _, role := range []recordings.Role{recordings.RoleUser, recordings.RoleAdmin} {
		b.Run("callrec/"+string(role), func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				owner, from, to := window(i)
				a := recordings.Actor{Name: owner, Role: role}
				if role == recordings.RoleAdmin {
					a.Name = "root"
				}
				t0 := time.Now()
				page, err := svc.List(ctx, a, recordings.Filter{Owner: &owner, From: from, To: to})
				lat = append(lat, time.Since(t0))
				if err != nil || len(page.Recordings) == 0 {
					b.Fatalf("list: %v, %d rows", err, len(page.Recordings))
				}
			}
			reportPercentiles(b, lat)
		})
	}
	b.Run("peer=sqlite3-shell", func(b *testing.B) {
		shell, err := exec.LookPath("sqlite3")
		if err != nil {
			b.Skip("no sqlite3 shell")
		}
		// One shell session runs b.N queries: its start-up is amortised.
		var script strings.Builder
		script.WriteString(".output /dev/null\n")
		for i := range b.N {
			owner, from, to := window(i)
			fmt.Fprintf(&script, "SELECT * FROM recordings WHERE owner = '%s' AND start >= %d AND start < %d AND unlicensed = 0 ORDER BY start DESC, id DESC LIMIT 51;\n",
				owner, from.UnixNano(), to.UnixNano())
		}
		b.ResetTimer()
		cmd := exec.Command(shell, "-readonly", path)
		cmd.Stdin = strings.NewReader(script.String())
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("sqlite3: %v %s", err, out)
		}
	})
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	p := func(q float64) float64 {
		return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(p(0.50), "p50-ms")
	b.ReportMetric(p(0.99), "p99-ms")
}
