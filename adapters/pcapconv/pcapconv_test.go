package pcapconv_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/f0fce437/callrec/adapters/pcapconv"
	"github.com/f0fce437/callrec/adapters/sqlite"
	"github.com/f0fce437/callrec/pcapio"
	"github.com/f0fce437/callrec/recordings"
	"github.com/f0fce437/callrec/recordings/recordingstest"
	"github.com/f0fce437/callrec/rtpcodec/convert"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func call(t *testing.T, length time.Duration) []byte {
	t.Helper()
	return recordingstest.CallPCAPBytes(t, length, 1)
}

// convertBytes converts src into a temporary WAV file and returns the media
// and the WAV.
func convertBytes(t *testing.T, src []byte) (recordings.Media, []byte, error) {
	t.Helper()
	out, err := os.Create(filepath.Join(t.TempDir(), "out.wav"))
	require.NoError(t, err)
	defer out.Close()
	m, err := pcapconv.New(pcapconv.Options{}).Convert(context.Background(), bytes.NewReader(src), out)
	wav, rerr := os.ReadFile(out.Name())
	require.NoError(t, rerr)
	return m, wav, err
}

func TestConvertCall(t *testing.T) {
	src := call(t, 3*time.Second)
	m, wav, err := convertBytes(t, src)
	require.NoError(t, err)
	assert.Equal(t, []string{"PCMA"}, m.Codecs)
	assert.InDelta(t, 3.02, m.Duration.Seconds(), 0.05)
	// Sample 0 of the WAV is the first audio packet, not the dummy SIP
	// INVITE before it.
	rd, err := pcapio.NewReader(bytes.NewReader(src))
	require.NoError(t, err)
	var p pcapio.Packet
	require.NoError(t, rd.Next(&p))
	sipAt := p.Time
	for p.Src.Port() != 16386 && p.Src.Port() != 16388 {
		require.NoError(t, rd.Next(&p))
	}
	require.True(t, sipAt.Before(p.Time))
	assert.Equal(t, p.Time.UTC(), m.CaptureStart)
	require.Len(t, m.Stats, 2)
	assert.Equal(t, "local", m.Stats[0].Direction)
	assert.Equal(t, "remote", m.Stats[1].Direction)
	assert.Equal(t, int64(150), m.Stats[0].Packets)
	assert.Equal(t, "PCMA", m.Stats[1].Codec)
	var streams []map[string]any
	require.NoError(t, json.Unmarshal(m.Streams, &streams), "the per-stream detail is an array of stream objects")
	assert.Len(t, streams, 2)

	require.Greater(t, len(wav), 44)
	assert.Equal(t, "RIFF", string(wav[:4]))
	assert.Equal(t, uint16(2), binary.LittleEndian.Uint16(wav[22:]), "stereo: local and remote")
	assert.Equal(t, uint32(8000), binary.LittleEndian.Uint32(wav[24:]))
}

func TestConvertCutShortCapture(t *testing.T) {
	full := call(t, 4*time.Second)
	m, _, err := convertBytes(t, full[:len(full)*2/3+7])
	require.NoError(t, err, "a partial upload converts as far as it is readable")
	assert.NotEmpty(t, m.Warnings)
	assert.Less(t, m.Duration, 4*time.Second)
	assert.Greater(t, m.Duration, time.Second)
}

func TestConvertFailures(t *testing.T) {
	cases := []struct {
		name string
		src  []byte
		want error
	}{
		{"Empty", nil, convert.ErrEmpty},
		{"NotACapture", []byte("GIF89a this is a picture"), convert.ErrNotCapture},
		{"NoAudio", func() []byte {
			var b bytes.Buffer
			_, err := recordingstest.WritePCAP(&b, time.Now(), 3) // UDP, but not RTP
			require.NoError(t, err)
			return b.Bytes()
		}(), convert.ErrNoAudio},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := convertBytes(t, c.src)
			require.Error(t, err)
			assert.True(t, errors.Is(err, c.want), "%v", err)
		})
	}
}

// TestConvertStreamsAsInfo: Media.Streams holds the stream objects exactly
// as pcap2wav -info prints them under "streams", the warnings sit in
// Media.Warnings, and both survive the sqlite store, which keeps Media as
// JSON.
func TestConvertStreamsAsInfo(t *testing.T) {
	full := call(t, 4*time.Second)
	cut := full[:len(full)*2/3+7] // cut short, so that there is a warning
	m, _, err := convertBytes(t, cut)
	require.NoError(t, err)

	info, err := convert.Inspect(context.Background(), bytes.NewReader(cut), convert.Options{})
	require.NoError(t, err)
	printed, err := json.Marshal(info)
	require.NoError(t, err)
	var want struct {
		Streams  json.RawMessage `json:"streams"`
		Warnings []string        `json:"warnings"`
	}
	require.NoError(t, json.Unmarshal(printed, &want))
	assert.JSONEq(t, string(want.Streams), string(m.Streams))
	require.NotEmpty(t, want.Warnings)
	assert.Equal(t, want.Warnings, m.Warnings)

	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "callrec.db"), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	rec := &recordings.Recording{ID: "r1", FileName: "call.pcap", Status: recordings.StatusReady, Media: m}
	require.NoError(t, db.Update(ctx, func(tx recordings.Tx) error { return tx.PutRecording(rec) }))
	var got *recordings.Recording
	require.NoError(t, db.View(ctx, func(tx recordings.Tx) error {
		got, err = tx.Recording("r1")
		return err
	}))
	assert.JSONEq(t, string(m.Streams), string(got.Media.Streams))
	assert.Equal(t, m.Warnings, got.Media.Warnings)
}
