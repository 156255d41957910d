package recordings_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/f0fce437/callrec/recordings"
)

func TestHTTPStatus(t *testing.T) {
	for _, tc := range []struct {
		code recordings.Code
		want int
	}{
		{recordings.Invalid, http.StatusBadRequest},
		{recordings.Unauthorized, http.StatusUnauthorized},
		{recordings.Forbidden, http.StatusForbidden},
		{recordings.NotFound, http.StatusNotFound},
		{recordings.Conflict, http.StatusConflict},
		{recordings.Protected, http.StatusConflict},
		{recordings.Unlicensed, http.StatusForbidden},
		{recordings.TooLarge, http.StatusRequestEntityTooLarge},
		{recordings.InsufficientStorage, http.StatusInsufficientStorage},
		{recordings.Internal, http.StatusInternalServerError},
		{"something new", http.StatusInternalServerError},
		{"", http.StatusInternalServerError},
	} {
		t.Run(string(tc.code), func(t *testing.T) { assert.Equal(t, tc.want, tc.code.HTTPStatus()) })
	}
}
