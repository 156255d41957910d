// Package fsblob is the recordings.BlobStore on a local file system: each
// blob is a file under a data directory.
//
// Layout under the directory:
//
//	blobs/<key>          committed blobs (key segments become directories)
//	staging/<key, / as ~> blobs being written
//
// A writer streams into its staging file; Commit fsyncs it, renames it into
// place and fsyncs its directory, so a blob is either absent or complete
// and durable, and an existing blob is replaced atomically. A staging file
// left by a crash stays until Recover (recordings.BlobRecoverer) commits it
// or a new writer of the same key truncates it. A full disk fails writes
// with the code recordings.InsufficientStorage.
package fsblob
