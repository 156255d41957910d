package g729_test

import (
	"testing"

	"github.com/f0fce437/callrec/rtpcodec/g729"
	"github.com/stretchr/testify/assert"
)

func TestPayloadFrames(t *testing.T) {
	tests := []struct {
		n, speech int
		sid, ok   bool
	}{
		{0, 0, false, true},
		{2, 0, true, true},
		{10, 1, false, true},
		{22, 2, true, true},
		{60, 6, false, true},
		{1, 0, false, false},
		{15, 1, false, false},
		{-1, 0, false, false},
	}
	for _, tt := range tests {
		speech, sid, ok := g729.PayloadFrames(tt.n)
		assert.Equal(t, []any{tt.speech, tt.sid, tt.ok}, []any{speech, sid, ok}, "n=%d", tt.n)
	}
}

func TestAnnexBOffered(t *testing.T) {
	tests := map[string]bool{
		"":                     true,
		"annexb=yes":           true,
		"annexb=no":            false,
		"AnnexB=NO":            false,
		"foo=1; annexb = no":   false,
		"maxptime=60;annexb=1": true,
	}
	for fmtp, want := range tests {
		assert.Equal(t, want, g729.AnnexBOffered(fmtp), "fmtp %q", fmtp)
	}
}
