package directory_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/cdr"
	"github.com/f0fce437/callrec/recordings/directory"
)

// BenchmarkLearn is the directory's share of the CDR intake in steady
// state: batches of 256 CDRs of 1,000 known users whose groups do not
// change (each CDR only newer than the last), with a licence engine.
func BenchmarkLearn(b *testing.B) {
	var xml strings.Builder
	for i := range 256 {
		xml.WriteString(userCDR(fmt.Sprintf("user%03d", i%1000), "User", int64(1767348000+i), grp("recordings"), grp("sales")))
	}
	cdrs, err := cdr.DecodeAll(strings.NewReader(xml.String()), cdr.Limits{})
	require.NoError(b, err)
	batch := make([]cdr.Entry, len(cdrs))
	for i, c := range cdrs {
		batch[i] = cdr.Entry{CDR: c}
	}
	d := directory.New(directory.Config{Licensing: newEngine()})
	ctx := context.Background()
	d.CDRsAdded(ctx, batch)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		d.CDRsAdded(ctx, batch)
	}
	b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "cdrs/s")
}

// TestLearnAllocs: learning from the CDRs of known users whose groups do
// not change allocates nothing.
func TestLearnAllocs(t *testing.T) {
	cdrs, err := cdr.DecodeAll(strings.NewReader(userCDR("carol", "Carol C", 100, grp("sales"), grp("recordings"))), cdr.Limits{})
	require.NoError(t, err)
	batch := []cdr.Entry{{CDR: cdrs[0]}}
	d := directory.New(directory.Config{Licensing: newEngine()})
	ctx := context.Background()
	d.CDRsAdded(ctx, batch)
	require.Zero(t, testing.AllocsPerRun(100, func() {
		batch[0].CDR.UTC++ // each one newer
		d.CDRsAdded(ctx, batch)
	}))
}
