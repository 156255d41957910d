package cdrinfo_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/adapters/sqlite"
	"github.com/f0fce437/callrec/cdr"
	"github.com/f0fce437/callrec/recordings"
	"github.com/f0fce437/callrec/recordings/cdrinfo"
)

const conf = "1827b3c7e909d31192e80090331032dc"

// aliceCDR is alice's CDR (made with alice-phone on PBX pbx) of an
// outgoing call of conference conf to Bob, talking from second 2 to 64.
func aliceCDR(pbx string) string {
	return fmt.Sprintf(`<cdr guid="5e1f2a3be909d31188ce00903306a2ff" sys="PBX" pbx="%s" node="root" device="alice-phone" cn="Alice A" e164="100" h323="alice" dir="from" utc="1767348000">
<user/>
<event msg="setup-from" time="0" conf="%s"/>
<event msg="alert-to" time="1" e164="101" h323="bob" cn="Bob B"/>
<event msg="conn-to" time="2" e164="101" h323="bob" cn="Bob B"/>
<event msg="rel-to" time="64" cause="0"/>
</cdr>`, pbx, conf)
}

// setup returns a store holding xml, as the CDR intake stored it.
func setup(t *testing.T, xml string) cdr.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "callrec.db"), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	if xml != "" {
		_, err = cdr.NewService(db.CDRs(), cdr.Options{}).Ingest(context.Background(), strings.NewReader(xml))
		require.NoError(t, err)
	}
	return db.CDRs()
}

func facts(name string) recordings.RecordingFacts {
	return recordings.RecordingFacts{ID: "r1", FileName: name, Name: recordings.ParseFileName(name)}
}

func TestResolve(t *testing.T) {
	name := conf + "-009033302ab1-1--alice-phone.pcap"
	for _, tc := range []struct {
		name     string
		xml      string
		file     string
		pbx      string
		attached bool
	}{
		{"Attached", aliceCDR("pbx1"), name, "", true},
		{"AttachedForItsPBX", aliceCDR("pbx1"), name, "PBX1", true},
		{"NoCDRYet", "", name, "", false},
		{"AnotherPBXsCDR", aliceCDR("pbx2"), name, "pbx1", false},
		{"NotACallsFileName", aliceCDR("pbx1"), "notes.txt", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log bytes.Buffer
			r := cdrinfo.New(cdrinfo.Config{
				CDRs:      setup(t, tc.xml),
				Directory: cdr.UserList{{Name: "alice", DisplayName: "Alice A", Devices: []string{"alice-phone"}}},
				PBXName:   func(context.Context) (string, error) { return tc.pbx, nil },
				Logger:    slog.New(slog.NewTextHandler(&log, nil)),
			})
			info, ok, err := r.Resolve(context.Background(), facts(tc.file))
			require.NoError(t, err)
			require.Equal(t, tc.attached, ok)
			if !ok {
				assert.Zero(t, info)
				if tc.name == "AnotherPBXsCDR" {
					assert.Contains(t, log.String(), "CDRs of another PBX", "traced")
				}
				return
			}
			assert.Equal(t, "alice", info.Owner)
			assert.Equal(t, "Bob B", info.RemoteName)
			assert.Equal(t, "101", info.RemoteNumber)
			assert.Equal(t, recordings.DirectionInternal, info.Direction, "Bob is a user of the PBX")
			assert.Equal(t, time.Unix(1767348000, 0).UTC(), info.Start.UTC())
			assert.Equal(t, 62*time.Second, info.TalkTime)
			assert.NotEmpty(t, info.CDRRef)
		})
	}
}

// Detail says what correlation says now, also while the recording waits.
func TestDetail(t *testing.T) {
	r := cdrinfo.New(cdrinfo.Config{CDRs: setup(t, "")})
	rec := &recordings.Recording{Name: recordings.ParseFileName(conf + "-009033302ab1-1--alice-phone.pcap")}
	d, err := r.Detail(context.Background(), rec)
	require.NoError(t, err)
	assert.Equal(t, cdr.StatePending, d.(cdr.CallInfo).State)

	d, err = r.Detail(context.Background(), &recordings.Recording{Name: recordings.ParseFileName("notes.txt")})
	require.NoError(t, err)
	assert.Nil(t, d)
}
