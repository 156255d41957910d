package cdrhttp_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/adapters/cdrhttp"
	"github.com/f0fce437/callrec/cdr"
)

const conf = "8a6b4c2de909d31192e80090331032aa" // of cdr/testdata/basic-internal.xml

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../cdr/testdata/" + name)
	require.NoError(t, err)
	return string(b)
}

type server struct {
	*httptest.Server
	store cdr.Store
}

func newServer(t *testing.T, store cdr.Store, cfg cdrhttp.Config) *server {
	t.Helper()
	if cfg.User == "" && !cfg.Anonymous {
		cfg.User, cfg.Password = "pbx", "s3cret"
	}
	h := cdrhttp.NewHandler(cdr.NewService(store, cdr.Options{}), cfg)
	s := &server{Server: httptest.NewServer(h), store: store}
	t.Cleanup(s.Close)
	return s
}

// do sends a request and returns the status, body and response.
func (s *server) do(t *testing.T, method, target, body string, auth func(*http.Request)) (int, string, *http.Response) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+target, r)
	require.NoError(t, err)
	if auth != nil {
		auth(req)
	}
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	return resp.StatusCode, string(b), resp
}

func basic(user, pw string) func(*http.Request) {
	return func(r *http.Request) { r.SetBasicAuth(user, pw) }
}

var pbx = basic("pbx", "s3cret")

func (s *server) stored(t *testing.T) int {
	t.Helper()
	entries, err := s.store.ByConf(context.Background(), conf)
	require.NoError(t, err)
	return len(entries)
}

func TestPost(t *testing.T) {
	s := newServer(t, newStore(t), cdrhttp.Config{})
	status, body, _ := s.do(t, http.MethodPost, "/cdr", fixture(t, "basic-internal.xml"), pbx)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "ok: 2 CDRs, 2 new\n", body)
	assert.Equal(t, 2, s.stored(t), "stored before the 200")

	status, body, _ = s.do(t, http.MethodPost, "/cdr", fixture(t, "basic-internal.xml"), pbx)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "ok: 2 CDRs, 0 new\n", body, "a re-sent body is de-duplicated")
	assert.Equal(t, 2, s.stored(t))
}

func TestAuth(t *testing.T) {
	tests := []struct {
		name string
		cfg  cdrhttp.Config
		auth func(*http.Request)
		want int
	}{
		{"no credentials", cdrhttp.Config{}, nil, http.StatusUnauthorized},
		{"wrong password", cdrhttp.Config{}, basic("pbx", "s3cres"), http.StatusUnauthorized},
		{"wrong user", cdrhttp.Config{}, basic("pbx2", "s3cret"), http.StatusUnauthorized},
		{"password prefix", cdrhttp.Config{}, basic("pbx", "s3"), http.StatusUnauthorized},
		{"right", cdrhttp.Config{}, pbx, http.StatusOK},
		{"anonymous allowed", cdrhttp.Config{Anonymous: true}, nil, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, newStore(t), tt.cfg)
			status, _, resp := s.do(t, http.MethodPost, "/cdr", fixture(t, "basic-internal.xml"), tt.auth)
			assert.Equal(t, tt.want, status)
			if tt.want == http.StatusUnauthorized {
				assert.Equal(t, `Basic realm="callrec CDR", charset="UTF-8"`, resp.Header.Get("WWW-Authenticate"))
				assert.Equal(t, 0, s.stored(t))
			}
		})
	}
}

func TestUnconfiguredCredentialsRefuseAll(t *testing.T) {
	store := newStore(t)
	srv := httptest.NewServer(cdrhttp.NewHandler(cdr.NewService(store, cdr.Options{}), cdrhttp.Config{}))
	t.Cleanup(srv.Close)
	s := &server{Server: srv, store: store}
	status, _, _ := s.do(t, http.MethodPost, "/cdr", fixture(t, "basic-internal.xml"), basic("", ""))
	assert.Equal(t, http.StatusUnauthorized, status, "empty credentials never match an unset configuration")
}

func TestBadBodies(t *testing.T) {
	tests := []struct {
		name, body string
		want       int
		msg        string
	}{
		{"malformed", fixture(t, "malformed.xml"), http.StatusBadRequest, "cdr: line 10, column 7 (byte 756), in <cdr> #2: malformed XML: element <event> closed by </cdr>\n"},
		{"empty", "", http.StatusBadRequest, "no <cdr> element\n"},
		{"not XML", `{"json": true}`, http.StatusBadRequest, "text outside any element"},
		{"billion laughs", `<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><cdr guid="&b;"/>`, http.StatusBadRequest, "invalid character entity &b;"},
		{"hostile text stays text", `<cdr guid="<script>"/>`, http.StatusBadRequest, "malformed XML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, newStore(t), cdrhttp.Config{})
			status, body, resp := s.do(t, http.MethodPost, "/cdr", tt.body, pbx)
			assert.Equal(t, tt.want, status)
			assert.Contains(t, body, tt.msg)
			assert.Equal(t, "text/plain; charset=utf-8", resp.Header.Get("Content-Type"))
		})
	}
}

func TestMalformedKeepsEarlierCDRs(t *testing.T) {
	s := newServer(t, newStore(t), cdrhttp.Config{})
	status, _, _ := s.do(t, http.MethodPost, "/cdr", fixture(t, "malformed.xml"), pbx)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, 1, s.stored(t), "the CDR before the malformed one is kept")
}

func TestTooLarge(t *testing.T) {
	s := newServer(t, newStore(t), cdrhttp.Config{MaxBytes: 1000})
	big := "<cdrs>" + strings.Repeat(`<cdr guid="g"/>`, 100) + "</cdrs>"

	status, _, _ := s.do(t, http.MethodPost, "/cdr", big, pbx)
	assert.Equal(t, http.StatusRequestEntityTooLarge, status, "by Content-Length")

	// Without a length (sent chunked): refused while reading.
	req, err := http.NewRequest(http.MethodPost, s.URL+"/cdr", io.MultiReader(strings.NewReader(big)))
	require.NoError(t, err)
	req.ContentLength = -1
	pbx(req)
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)

	q := url.Values{"event": {"syslog"}, "msg": {big}}
	status, _, _ = s.do(t, http.MethodGet, "/cdr?"+q.Encode(), "", pbx)
	assert.Equal(t, http.StatusRequestEntityTooLarge, status, "a legacy msg over the limit")
}

func TestLegacyGet(t *testing.T) {
	one := strings.SplitAfter(fixture(t, "basic-internal.xml"), "</cdr>")[0]
	tests := []struct {
		name   string
		query  url.Values
		want   int
		body   string
		stored int
	}{
		{"syslog CDR", url.Values{"event": {"syslog"}, "msg": {one}, "time": {"12:00:00"}, "date": {"15.01.2025"}, "from": {"pbx1"}}, http.StatusOK, "ok: 1 CDRs, 1 new\n", 1},
		{"other event", url.Values{"event": {"call"}, "msg": {one}}, http.StatusOK, "ignored\n", 0},
		{"gateway log line", url.Values{"event": {"syslog"}, "msg": {"CDR0 restarted"}}, http.StatusOK, "ignored\n", 0},
		{"no parameters", url.Values{}, http.StatusBadRequest, "expected POST", 0},
		{"malformed", url.Values{"event": {"syslog"}, "msg": {"<cdr><event></cdr>"}}, http.StatusBadRequest, "closed by </cdr>", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, newStore(t), cdrhttp.Config{})
			status, body, _ := s.do(t, http.MethodGet, "/cdrwrite.asp?"+tt.query.Encode(), "", pbx)
			assert.Equal(t, tt.want, status)
			assert.Contains(t, body, tt.body)
			assert.Equal(t, tt.stored, s.stored(t))
		})
	}
}

func TestMethodNotAllowed(t *testing.T) {
	s := newServer(t, newStore(t), cdrhttp.Config{})
	status, _, resp := s.do(t, http.MethodPut, "/cdr", "<cdr/>", pbx)
	assert.Equal(t, http.StatusMethodNotAllowed, status)
	assert.Equal(t, "GET, HEAD, POST", resp.Header.Get("Allow"))
}

func TestStoreFailureIs500(t *testing.T) {
	s := newServer(t, brokenStore(t), cdrhttp.Config{})
	status, body, _ := s.do(t, http.MethodPost, "/cdr", fixture(t, "basic-internal.xml"), pbx)
	assert.Equal(t, http.StatusInternalServerError, status, "the PBX keeps the CDRs and resends")
	assert.Equal(t, "internal error\n", body, "details go to the log only")
}
