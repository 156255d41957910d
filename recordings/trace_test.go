package recordings_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"syscall"
	"testing"

	"github.com/f0fce437/callrec/recordings"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTracingLevelsPerCategory(t *testing.T) {
	var buf bytes.Buffer
	tr := recordings.NewTracing(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	conv := tr.Logger(recordings.TraceConverting)
	conv.Debug("hidden at info")
	assert.Empty(t, buf.String())
	tr.SetLevel(recordings.TraceConverting, slog.LevelDebug)
	conv.Debug("shown")
	assert.Contains(t, buf.String(), "category=Converting")
	assert.Contains(t, buf.String(), "shown")
	buf.Reset()
	tr.Logger(recordings.TraceUI).Debug("other category stays at info")
	assert.Empty(t, buf.String())
	off, err := recordings.ParseLevel("off")
	require.NoError(t, err)
	tr.SetLevel(recordings.TraceConverting, off)
	conv.Error("silenced")
	assert.Empty(t, buf.String())
}

func TestParseLevel(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
	}{{"debug", "debug"}, {"INFO", "info"}, {"warn", "warn"}, {"error", "error"}, {"off", "off"}} {
		t.Run(c.in, func(t *testing.T) {
			l, err := recordings.ParseLevel(c.in)
			require.NoError(t, err)
			assert.Equal(t, c.want, recordings.FormatLevel(l))
		})
	}
	_, err := recordings.ParseLevel("loud")
	assert.Equal(t, recordings.Invalid, recordings.ErrorCode(err))
}

func TestErrorCodes(t *testing.T) {
	cases := []struct {
		name    string
		err     error
		code    recordings.Code
		message string
	}{
		{"Nil", nil, "", "internal error"},
		{"Domain", recordings.Errorf(recordings.Protected, "recording %q is protected", "x"), recordings.Protected, `recording "x" is protected`},
		{"Wrapped", fmt.Errorf("outer: %w", recordings.Errorf(recordings.NotFound, "gone")), recordings.NotFound, "gone"},
		{"Foreign", errors.New("disk controller on fire at 0xdeadbeef"), recordings.Internal, "internal error"},
		{"InternalHidesDetail", recordings.Wrap(errors.New("secret path /var/x"), recordings.Internal, "db said no"), recordings.Internal, "internal error"},
		{"ENOSPC", fmt.Errorf("write: %w", syscall.ENOSPC), recordings.InsufficientStorage, "insufficient storage"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.code, recordings.ErrorCode(c.err))
			if c.err != nil {
				assert.Equal(t, c.message, recordings.ErrorMessage(c.err))
			}
		})
	}
	cause := errors.New("cause")
	assert.ErrorIs(t, recordings.Wrap(cause, recordings.Internal, "m"), cause)
}
