package webdav_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/f0fce437/callrec/adapters/auth"
	"github.com/f0fce437/callrec/adapters/fsblob"
	"github.com/f0fce437/callrec/adapters/pcapconv"
	"github.com/f0fce437/callrec/adapters/sqlite"
	"github.com/f0fce437/callrec/adapters/webdav"
	"github.com/f0fce437/callrec/recordings"
	"github.com/f0fce437/callrec/recordings/recordingstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var admin = recordings.Actor{Name: "root", Role: recordings.RoleAdmin}

type stack struct {
	svc  *recordings.Service
	disk *recordingstest.FullDisk
	srv  *httptest.Server
}

// newStack serves a service on real SQLite and files under /Files/.
func newStack(t testing.TB, maxUpload int64, opts webdav.Options) *stack {
	t.Helper()
	return newStackAt(t, filepath.Join(t.TempDir(), "files"), maxUpload, opts, nil)
}

// newStackAt is newStack with the blobs in blobDir and, when conv is not
// nil, its converter.
func newStackAt(t testing.TB, blobDir string, maxUpload int64, opts webdav.Options, conv recordings.Converter) *stack {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "callrec.db"), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	fs, err := fsblob.New(blobDir)
	require.NoError(t, err)
	disk := recordingstest.NewFullDisk(fs, 1<<40)
	if conv == nil {
		conv = pcapconv.New(pcapconv.Options{})
	}
	svc, err := recordings.New(recordings.Config{Store: db, Blobs: disk, Converter: conv,
		MaxUploadSize: maxUpload, Workers: 2, Tracer: recordings.NewTracing(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, svc.Start(context.Background()))
	t.Cleanup(func() { svc.Close() })
	mux := http.NewServeMux()
	mux.Handle("/recordings/Files/", http.StripPrefix("/recordings/Files", webdav.New(svc, opts)))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &stack{svc: svc, disk: disk, srv: srv}
}

// callBytes is an innovaphone-style capture of a two-way G.711 call of
// the given length (about 23 kB per second), which the real pipeline
// converts.
func callBytes(t testing.TB, length time.Duration) []byte {
	t.Helper()
	return recordingstest.CallPCAPBytes(t, length, 7)
}

// hideLen keeps net/http from knowing the length: the request goes chunked.
type hideLen struct{ io.Reader }

func put(t testing.TB, c *http.Client, url string, body []byte, chunked bool) *http.Response {
	t.Helper()
	var r io.Reader = bytes.NewReader(body)
	if chunked {
		r = hideLen{r}
	}
	req, err := http.NewRequest(http.MethodPut, url, r)
	require.NoError(t, err)
	if chunked {
		req.ContentLength = -1
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

const name = "f9e5956e47d460010630009033302ab1-009033302ab1-11--J%C3%BCrgen.pcap"

func TestPut(t *testing.T) {
	s := newStack(t, 64<<10, webdav.Options{})
	base := s.srv.URL + "/recordings/Files/"
	data := callBytes(t, 2*time.Second)
	cases := []struct {
		name    string
		path    string
		body    []byte
		chunked bool
		want    int
	}{
		{"ContentLength", name, data, false, http.StatusCreated},
		{"Chunked", "chunked.pcap", data, true, http.StatusCreated},
		{"OffGrammarStillStored", "some%20name.pcap", data, false, http.StatusCreated},
		{"EmptyPlaceholder", "empty.pcap", nil, false, http.StatusCreated},
		{"EmptyPlaceholderChunked", "empty2.pcap", nil, true, http.StatusCreated},
		{"EncodedTraversal", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", data, false, http.StatusBadRequest},
		{"EncodedSlash", "a%2Fb.pcap", data, false, http.StatusBadRequest},
		{"SubPath", "sub/x.pcap", data, false, http.StatusBadRequest},
		{"EncodedNUL", "a%00b.pcap", data, false, http.StatusBadRequest},
		{"TooLargeDeclared", "big.pcap", make([]byte, 70<<10), false, http.StatusRequestEntityTooLarge},
		{"TooLargeChunked", "big2.pcap", make([]byte, 70<<10), true, http.StatusRequestEntityTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := put(t, s.srv.Client(), base+c.path, c.body, c.chunked)
			assert.Equal(t, c.want, resp.StatusCode)
		})
	}
	require.NoError(t, s.svc.WaitIdle(context.Background()))
	page, err := s.svc.List(context.Background(), admin, recordings.Filter{})
	require.NoError(t, err)
	names := map[string]*recordings.Recording{}
	for _, r := range page.Recordings {
		names[r.FileName] = r
	}
	assert.Len(t, names, 3, "the empty placeholders make no recording")
	r := names[name]
	require.NotNil(t, r)
	assert.Equal(t, "Jürgen", r.Name.RegName)
	assert.Equal(t, recordings.StatusReady, r.Status)
	assert.Equal(t, int64(len(data)), r.PCAP.Size)
	assert.Equal(t, []string{"PCMA"}, r.Media.Codecs, "converted by the real pipeline")
	assert.InDelta(t, 2.02, r.Media.Duration.Seconds(), 0.05)
	assert.Len(t, r.Media.Stats, 2)
}

func TestPutDiskFull(t *testing.T) {
	s := newStack(t, 0, webdav.Options{})
	s.disk.SetBudget(1000)
	resp := put(t, s.srv.Client(), s.srv.URL+"/recordings/Files/"+name, callBytes(t, 10*time.Second), true)
	assert.Equal(t, http.StatusInsufficientStorage, resp.StatusCode)
	page, err := s.svc.List(context.Background(), admin, recordings.Filter{})
	require.NoError(t, err)
	assert.Empty(t, page.Recordings)
}

func TestOptionsPropfindAndOtherMethods(t *testing.T) {
	s := newStack(t, 0, webdav.Options{})
	c := s.srv.Client()
	do := func(method, path string) *http.Response {
		req, err := http.NewRequest(method, s.srv.URL+"/recordings/Files"+path, strings.NewReader(""))
		require.NoError(t, err)
		resp, err := c.Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	resp := do(http.MethodOptions, "/")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "1", resp.Header.Get("DAV"))
	assert.Contains(t, resp.Header.Get("Allow"), "PUT")

	resp = do("PROPFIND", "/")
	assert.Equal(t, http.StatusMultiStatus, resp.StatusCode)
	body, _ := io.ReadAll(resp.Body)
	assert.Contains(t, string(body), "<D:collection/>")
	assert.Equal(t, http.StatusNotFound, do("PROPFIND", "/x.pcap").StatusCode)

	for _, m := range []string{http.MethodGet, http.MethodDelete, "MKCOL", http.MethodPost} {
		assert.Equal(t, http.StatusMethodNotAllowed, do(m, "/x.pcap").StatusCode, m)
	}
}

func TestBasicAuthHook(t *testing.T) {
	var svc *recordings.Service
	guard := auth.NewGuard(auth.Secrets{Basic: func(ctx context.Context, u, p string) (bool, error) {
		return svc.CheckWebDAVCredentials(ctx, u, p)
	}}, auth.GuardOptions{Realm: "callrec"})
	s := newStack(t, 0, webdav.Options{Auth: guard.Wrap})
	svc = s.svc
	user, pw := "phones", "pw"
	require.NoError(t, svc.SeedSettings(context.Background(), recordings.SettingsUpdate{WebDAVUser: &user, WebDAVPassword: &pw}))
	url := s.srv.URL + "/recordings/Files/" + name
	resp := put(t, s.srv.Client(), url, callBytes(t, time.Second), false)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("WWW-Authenticate"), `Basic realm="callrec"`)

	for _, c := range []struct {
		user, pw string
		want     int
	}{{"phones", "wrong", http.StatusUnauthorized}, {"phones", "pw", http.StatusCreated}} {
		req, err := http.NewRequest(http.MethodPut, url, bytes.NewReader(callBytes(t, time.Second)))
		require.NoError(t, err)
		req.SetBasicAuth(c.user, c.pw)
		resp, err := s.srv.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, c.want, resp.StatusCode, fmt.Sprintf("%s:%s", c.user, c.pw))
	}
}

// TestRefuseDotSegments: a name holding literal dot segments is refused
// with 400 in front of a ServeMux (which would otherwise clean the path and
// redirect), and nothing is stored.
func TestRefuseDotSegments(t *testing.T) {
	s := newStack(t, 0, webdav.Options{})
	mux := http.NewServeMux()
	mux.Handle("/recordings/Files/", http.StripPrefix("/recordings/Files", webdav.New(s.svc, webdav.Options{})))
	srv := httptest.NewServer(webdav.RefuseDotSegments("/recordings/Files/", mux))
	t.Cleanup(srv.Close)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	data := callBytes(t, time.Second)
	for _, p := range []string{"../../etc/passwd", "../x.pcap", "a/../b.pcap", "./x.pcap", "..", ".", "..%2F..%2Fx.pcap", "%2e%2e%2fx.pcap"} {
		t.Run(p, func(t *testing.T) {
			resp := put(t, client, srv.URL+"/recordings/Files/"+p, data, false)
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		})
	}
	resp := put(t, client, srv.URL+"/recordings/Files/a..b.pcap", data, false)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "\"..\" inside a name is refused by the service's rule")
	resp = put(t, client, srv.URL+"/recordings/Files/"+name, data, false)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	require.NoError(t, s.svc.WaitIdle(context.Background()))
	page, err := s.svc.List(context.Background(), admin, recordings.Filter{})
	require.NoError(t, err)
	assert.Len(t, page.Recordings, 1)
}

// ingestFunc is an Ingester made of a function: it lets a test return every
// error code, including those the real service never returns from Ingest.
type ingestFunc func(ctx context.Context, name string, body io.Reader, size int64) (*recordings.Recording, error)

func (f ingestFunc) Ingest(ctx context.Context, name string, body io.Reader, size int64) (*recordings.Recording, error) {
	return f(ctx, name, body, size)
}

// TestRefusalStatus: a refused upload answers the status of the App's one
// code→status table, whatever the code.
func TestRefusalStatus(t *testing.T) {
	for _, code := range []recordings.Code{
		recordings.Invalid, recordings.Unauthorized, recordings.Forbidden, recordings.NotFound, recordings.Conflict,
		recordings.Protected, recordings.Unlicensed, recordings.TooLarge, recordings.InsufficientStorage, recordings.Internal,
	} {
		t.Run(string(code), func(t *testing.T) {
			h := webdav.New(ingestFunc(func(context.Context, string, io.Reader, int64) (*recordings.Recording, error) {
				return nil, recordings.Errorf(code, "refused with %s", code)
			}), webdav.Options{})
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodPut, "/"+name, strings.NewReader("x")))
			assert.Equal(t, code.HTTPStatus(), w.Code)
		})
	}
}

// TestPropfindHref: PROPFIND answers with the absolute path the client
// asked for (RFC 4918 section 8.3), the collection's trailing-slash form,
// whatever prefix the server strips before the Handler.
func TestPropfindHref(t *testing.T) {
	h := webdav.New(ingestFunc(func(context.Context, string, io.Reader, int64) (*recordings.Recording, error) {
		t.Error("PROPFIND must not ingest")
		return nil, nil
	}), webdav.Options{})
	mux := http.NewServeMux()
	for _, prefix := range []string{"/recordings/Files", "/company.com/a&b/Files"} {
		mux.Handle(prefix+"/", http.StripPrefix(prefix, h))
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	for _, tc := range []struct{ path, want string }{
		{"/recordings/Files/", "/recordings/Files/"},
		{"/company.com/a&b/Files/", "/company.com/a&b/Files/"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			req, err := http.NewRequest("PROPFIND", srv.URL+tc.path, strings.NewReader(`<?xml version="1.0"?><propfind xmlns="DAV:"><allprop/></propfind>`))
			require.NoError(t, err)
			req.Header.Set("Depth", "0")
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			require.Equal(t, http.StatusMultiStatus, resp.StatusCode)
			var ms struct {
				Responses []struct {
					Href string `xml:"DAV: href"`
				} `xml:"DAV: response"`
			}
			require.NoError(t, xml.NewDecoder(resp.Body).Decode(&ms))
			require.Len(t, ms.Responses, 1)
			assert.Equal(t, tc.want, ms.Responses[0].Href)
		})
	}
	t.Run("without the trailing slash", func(t *testing.T) {
		req := httptest.NewRequest("PROPFIND", "/recordings/Files", nil)
		w := httptest.NewRecorder()
		http.StripPrefix("/recordings/Files", h).ServeHTTP(w, req)
		require.Equal(t, http.StatusMultiStatus, w.Code)
		assert.Contains(t, w.Body.String(), "<D:href>/recordings/Files/</D:href>")
	})
}
