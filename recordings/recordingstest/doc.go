// Package recordingstest holds what tests of the recordings service and its
// adapters share: the conformance suites every Store and BlobStore adapter
// runs (TestStore, TestBlobStore, in the spirit of testing/fstest.TestFS),
// test doubles — a settable Clock, a BlobStore that runs out of space, and
// a stand-in Converter with its pcap fixture writer for tests that must not
// depend on the real conversion pipeline — and CallPCAP, the
// innovaphone-style call captures (rtpcodec/callgen) that the end-to-end
// tests convert with the real pipeline.
//
// An adapter's test is one call:
//
//	func TestConformance(t *testing.T) {
//		recordingstest.TestStore(t, func(t *testing.T) recordings.Store { return open(t) })
//	}
package recordingstest
