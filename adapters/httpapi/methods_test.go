package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/adapters/httpapi"
)

// TestWrongMethod: a route asked with a method it does not answer gives
// 405 with Allow and the error body; a path that is no route gives 404.
// Neither needs authentication (the routes are no secret).
func TestWrongMethod(t *testing.T) {
	h := httpapi.New(httpapi.Config{Sessions: httpapi.NewSessions(httpapi.SessionOptions{})})
	for _, tc := range []struct {
		name, method, path string
		status             int
		allow, code        string
	}{
		{"me", http.MethodDelete, "/api/v1/me", 405, "GET, HEAD", "invalid"},
		{"login", http.MethodGet, "/api/v1/login", 405, "POST", "invalid"},
		{"recordings", http.MethodPost, "/api/v1/recordings", 405, "GET, HEAD", "invalid"},
		{"recording", http.MethodPut, "/api/v1/recordings/abc", 405, "GET, HEAD, DELETE", "invalid"},
		{"notes", http.MethodDelete, "/api/v1/recordings/abc/notes", 405, "GET, HEAD, POST", "invalid"},
		{"protect", http.MethodGet, "/api/v1/recordings/abc/protect", 405, "POST", "invalid"},
		{"settings", http.MethodPost, "/api/v1/settings", 405, "GET, HEAD, PUT", "invalid"},
		{"unknown method", "PATCH", "/api/v1/settings", 405, "GET, HEAD, PUT", "invalid"},
		{"no route", http.MethodGet, "/api/v1/nothing", 404, "", "not_found"},
		{"no route under a recording", http.MethodPost, "/api/v1/recordings/abc/nothing", 404, "", "not_found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(tc.method, tc.path, nil))
			assert.Equal(t, tc.status, w.Code)
			assert.Equal(t, tc.allow, w.Header().Get("Allow"))
			var body struct {
				Error struct{ Code, Message string }
			}
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body), w.Body.String())
			assert.Equal(t, tc.code, body.Error.Code)
			assert.NotEmpty(t, body.Error.Message)
		})
	}
}
