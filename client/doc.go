// Package client logs training runs to a Sextant server from Go programs,
// and gives importers and load generators a typed view of the HTTP API.
//
// Two levels:
//
//   - Client is the HTTP API, one call per request: projects, runs, history
//     rows. Calls wait for the server's answer and return its errors
//     (ErrExists, ErrNotFound, ErrUnavailable are tested with errors.Is).
//   - Run is a training run as a script sees it: Init, Log, SetConfig,
//     Finish. Log never waits for the network: rows go to the run's spool
//     file, which a goroutine sends in batches, retrying with exponential
//     backoff while the server is away. A server restart loses nothing, and
//     a crashed program's spool is sent by the next Init of the same run id.
//
// A row is one log call: metrics at a step. A point is one metric's value at
// a step; the server identifies it by (run, key, step), so a batch sent
// twice (after a timeout, or a crash between send and truncate) stores each
// point once.
//
// # Format
//
// The spool (DIR/spool/PROJECT/RUN.ndjson, with DIR from SEXTANT_DIR or
// ~/.sextant, names path-escaped) is UTF-8 text, one operation per line:
//
//	r {"_step":0,"_timestamp":1.7e9,"loss":0.5}   a history row
//	p {"state":"finished"}                        a PATCH of the run
//
// The Python client writes and reads the same file.
//
// # Concurrency
//
// A Run's methods are safe for concurrent use. One goroutine per Run owns
// the spool file; Log appends to an in-memory slice under a mutex and never
// blocks on I/O.
//
// # Invariants
//
// Every row in the spool carries an explicit _step, so sending it again is
// idempotent. The spool is truncated only after every line in it was
// acknowledged.
package client
