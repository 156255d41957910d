package main

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/f0fce437/callrec/recordings"
)

// metrics are the Prometheus metrics of the server, on a registry of its
// own (no global state).
type metrics struct {
	reg *prometheus.Registry

	uploads        *prometheus.CounterVec
	uploadBytes    prometheus.Counter
	uploadDuration prometheus.Histogram
	uploadsActive  prometheus.Gauge

	conversions        *prometheus.CounterVec
	conversionDuration prometheus.Histogram

	cdrRequests *prometheus.CounterVec
}

// serviceStats exports the recordings service's own counters (recordings.Stats)
// at each scrape.
type serviceStats struct {
	stats func() recordings.Stats

	stored, partial, refused, failures, queued, running *prometheus.Desc
}

func newServiceStats(stats func() recordings.Stats) *serviceStats {
	d := func(name, help string) *prometheus.Desc { return prometheus.NewDesc(name, help, nil, nil) }
	return &serviceStats{
		stats:    stats,
		stored:   d("callrec_recordings_stored_total", "Uploads stored by the service (complete or partial)."),
		partial:  d("callrec_recordings_partial_total", "Uploads stored although cut short (kept as partial recordings)."),
		refused:  d("callrec_recordings_refused_total", "Uploads the service refused: name, size limit, full disk, storage errors (callrec_uploads_total counts every upload by status)."),
		failures: d("callrec_conversion_failures_total", "Conversions that ended failed."),
		queued:   d("callrec_conversion_queue_depth", "Conversion jobs waiting for a worker."),
		running:  d("callrec_conversions_running", "Conversions in progress."),
	}
}

func (s *serviceStats) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{s.stored, s.partial, s.refused, s.failures, s.queued, s.running} {
		ch <- d
	}
}

func (s *serviceStats) Collect(ch chan<- prometheus.Metric) {
	st := s.stats()
	ch <- prometheus.MustNewConstMetric(s.stored, prometheus.CounterValue, float64(st.Uploads))
	ch <- prometheus.MustNewConstMetric(s.partial, prometheus.CounterValue, float64(st.PartialUploads))
	ch <- prometheus.MustNewConstMetric(s.refused, prometheus.CounterValue, float64(st.UploadsRefused))
	ch <- prometheus.MustNewConstMetric(s.failures, prometheus.CounterValue, float64(st.Failures))
	ch <- prometheus.MustNewConstMetric(s.queued, prometheus.GaugeValue, float64(st.Queued))
	ch <- prometheus.MustNewConstMetric(s.running, prometheus.GaugeValue, float64(st.Running))
}

func newMetrics(stats func() recordings.Stats) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		uploads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "callrec_uploads_total", Help: "Recording uploads (WebDAV PUT) by HTTP status, including those refused before the service (path, authentication).",
		}, []string{"code"}),
		uploadBytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "callrec_upload_bytes_total", Help: "Bytes received in recording uploads.",
		}),
		uploadDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "callrec_upload_duration_seconds", Help: "Time from the start of an upload to its answer (a call may stream for its whole length).",
			Buckets: prometheus.ExponentialBuckets(0.01, 4, 10),
		}),
		uploadsActive: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "callrec_uploads_in_flight", Help: "Uploads streaming now.",
		}),
		conversions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "callrec_conversions_total", Help: "PCAP to WAV conversions by result (ok, failed).",
		}, []string{"result"}),
		conversionDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "callrec_conversion_duration_seconds", Help: "Time to convert one recording.",
			Buckets: prometheus.ExponentialBuckets(0.005, 3, 10),
		}),
		cdrRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "callrec_cdr_requests_total", Help: "CDR intake requests by HTTP status.",
		}, []string{"code"}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.uploads, m.uploadBytes, m.uploadDuration, m.uploadsActive,
		m.conversions, m.conversionDuration, m.cdrRequests,
		newServiceStats(stats),
	)
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// statusRecorder remembers the status a handler answered.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	return s.ResponseWriter.Write(p)
}

// status is the status answered: 200 when the handler wrote nothing.
func (s *statusRecorder) status() int {
	if s.code == 0 {
		return http.StatusOK
	}
	return s.code
}

// Unwrap lets http.ResponseController reach the connection (read deadlines).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// countingBody counts the bytes read from a request body.
type countingBody struct {
	io.ReadCloser
	n int64
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n += int64(n)
	return n, err
}

// instrumentUploads counts the PUTs under prefix (an escaped path), their
// bytes and durations, by the status they were answered with, whichever
// handler of next answered it.
func (m *metrics) instrumentUploads(prefix string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut || !strings.HasPrefix(r.URL.EscapedPath(), prefix) {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		m.uploadsActive.Inc()
		body := &countingBody{ReadCloser: r.Body}
		r.Body = body
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			m.uploadsActive.Dec()
			m.uploadBytes.Add(float64(body.n))
			m.uploadDuration.Observe(time.Since(start).Seconds())
			m.uploads.WithLabelValues(strconv.Itoa(rec.status())).Inc()
		}()
		next.ServeHTTP(rec, r)
	})
}

// instrumentCDR counts CDR intake requests.
func (m *metrics) instrumentCDR(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		m.cdrRequests.WithLabelValues(strconv.Itoa(rec.status())).Inc()
	})
}

// meteredConverter counts conversions and their durations.
type meteredConverter struct {
	recordings.Converter
	m *metrics
}

func (c meteredConverter) Convert(ctx context.Context, src io.ReadSeeker, dst io.WriteSeeker) (recordings.Media, error) {
	start := time.Now()
	media, err := c.Converter.Convert(ctx, src, dst)
	c.m.conversionDuration.Observe(time.Since(start).Seconds())
	result := "ok"
	if err != nil {
		result = "failed"
	}
	c.m.conversions.WithLabelValues(result).Inc()
	return media, err
}
