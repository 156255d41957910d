package webui_test

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/adapters/webui"
)

func TestServesAppsWithSecurityHeaders(t *testing.T) {
	h, err := webui.New(webui.Options{FrameAncestors: "https://pbx.example.com"})
	require.NoError(t, err)
	for _, tc := range []struct{ path, ctype string }{
		{"/innovaphone-recordings.htm", "text/html; charset=utf-8"},
		{"/innovaphone-recordingsadmin.htm", "text/html; charset=utf-8"},
		{"/app.js", "text/javascript; charset=utf-8"},
		{"/app.css", "text/css; charset=utf-8"},
		{"/innovaphone-recordings", "text/html; charset=utf-8"}, // an App object's URL
	} {
		t.Run(tc.path, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, tc.path, nil))
			require.Equal(t, http.StatusOK, w.Code)
			assert.Equal(t, tc.ctype, w.Header().Get("Content-Type"))
			csp := w.Header().Get("Content-Security-Policy")
			assert.Contains(t, csp, "script-src 'self';")
			assert.Contains(t, csp, "frame-ancestors https://pbx.example.com")
			assert.NotContains(t, csp, "unsafe-inline")
			assert.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))

			again := httptest.NewRequest(http.MethodGet, tc.path, nil)
			again.Header.Set("If-None-Match", w.Header().Get("ETag"))
			w2 := httptest.NewRecorder()
			h.ServeHTTP(w2, again)
			assert.Equal(t, http.StatusNotModified, w2.Code)
		})
	}
	for _, p := range []string{"/nope.js", "/../webui.go", "/static/app.js", "/"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, p, nil))
		assert.Equal(t, http.StatusNotFound, w.Code)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/app.js", nil))
	assert.Equal(t, http.StatusMethodNotAllowed, w.Code)
}

// The CSP forbids inline script and style; the sources must not need them,
// and data must never reach innerHTML.
func TestSourcesAreCSPClean(t *testing.T) {
	inlineScript := regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`)
	forbidden := []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", " style=", "setAttribute('style'", "<style"}
	err := filepath.WalkDir("static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		s := string(data)
		for _, f := range forbidden {
			assert.NotContains(t, s, f, p)
		}
		if strings.HasSuffix(p, ".htm") {
			assert.False(t, inlineScript.MatchString(s), "%s has an inline script", p)
			assert.NotRegexp(t, `\son[a-z]+=`, s, "%s has an inline event handler", p)
		}
		return nil
	})
	require.NoError(t, err)
}
