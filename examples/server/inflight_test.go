package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestInflightWaits: wait returns only once the counted requests are done,
// or when its context ends first.
func TestInflightWaits(t *testing.T) {
	var f inflight
	assert.NoError(t, f.wait(context.Background()), "nothing in flight")

	entered, release := make(chan struct{}), make(chan struct{})
	h := f.wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		close(entered)
		<-release
	}))
	served := make(chan struct{})
	go func() {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPut, "/Files/x", nil))
		close(served)
	}()
	<-entered

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, f.wait(ctx), context.Canceled, "a request is in flight")

	waited := make(chan error, 1)
	go func() { waited <- f.wait(context.Background()) }()
	select {
	case <-waited:
		t.Fatal("wait returned while a request was in flight")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	<-served
	assert.NoError(t, <-waited)
}
