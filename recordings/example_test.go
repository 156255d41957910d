package recordings_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/f0fce437/callrec/adapters/fsblob"
	"github.com/f0fce437/callrec/adapters/pcapconv"
	"github.com/f0fce437/callrec/adapters/sqlite"
	"github.com/f0fce437/callrec/recordings"
	"github.com/f0fce437/callrec/recordings/recordingstest"
)

// A service on SQLite and files ingests a phone's upload, converts it with
// the pcap pipeline, and lists it for an admin.
func ExampleService() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "callrec-example")
	defer os.RemoveAll(dir)

	db, err := sqlite.Open(ctx, filepath.Join(dir, "callrec.db"), sqlite.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	blobs, err := fsblob.New(filepath.Join(dir, "files"))
	if err != nil {
		log.Fatal(err)
	}
	svc, err := recordings.New(recordings.Config{
		Store: db, Blobs: blobs, Converter: pcapconv.New(pcapconv.Options{}),
		Tracer: recordings.NewTracing(slog.DiscardHandler),
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := svc.Start(ctx); err != nil {
		log.Fatal(err)
	}
	defer svc.Close()

	var body bytes.Buffer
	recordingstest.CallPCAP(&body, 3*time.Second, 1) // a generated innovaphone-style call
	name := "f9e5956e47d460010630009033302ab1-009033302ab1-11--alice-phone.pcap"
	if _, err := svc.Ingest(ctx, name, &body, int64(body.Len())); err != nil {
		log.Fatal(err)
	}
	svc.WaitIdle(ctx)

	page, err := svc.List(ctx, recordings.Actor{Name: "root", Role: recordings.RoleAdmin}, recordings.Filter{})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range page.Recordings {
		fmt.Println(r.Name.RegName, r.Status, r.Media.Codecs, r.Media.Duration, "pending:", r.Pending())
	}
	// Output: alice-phone ready [PCMA] 3.02s pending: true
}

func ExampleParseFileName() {
	fn := recordings.ParseFileName("f9e5956e47d460010630009033302ab1-009033302ab1-11--J%C3%BCrgen.pcap")
	fmt.Println(fn.Valid, fn.GUID, fn.MAC, fn.Serial, fn.RegName)
	// Output: true f9e5956e47d460010630009033302ab1 009033302ab1 11 Jürgen
}
