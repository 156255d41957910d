#!/usr/bin/env bash
# Runs the recordings service and storage benchmarks with their peers in the
# same run:
#   - 1 MB chunked uploads, 200 in flight over loopback, through the WebDAV
#     handler, the service, SQLite and the file store (with and without the
#     conversions running), against a plain handler that streams each body
#     to a file and fsyncs it;
#   - the first page of one user's recordings in a 60-day window on a
#     database of 1,000,000 recordings (p50/p99 through the service), against
#     the same SQL in the sqlite3 shell (C SQLite) on the same file.
# The million-row database is built once (about two minutes) and kept in
# $TMPDIR as callrec-bench-*.db for later runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
count=${COUNT:-3}

go test -run '^$' -bench 'ConcurrentChunkedUploads' -benchtime=200x -count="$count" ./adapters/webdav
go test -run '^$' -bench 'ListFirstPage' -benchtime=2000x -count="$count" ./adapters/sqlite
