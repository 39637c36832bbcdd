// Package engine is Sextant's metric store.
//
// A project holds runs; a run logs history rows, each at a step; every key
// of a row is a series of the run, and each value a point (step, value) of
// it. Besides its metrics, every row writes the series _timestamp and
// _runtime. A point is identified by (run, key, step): writing it again
// replaces its value.
//
// Recent points of a series sit in memory, in its head. A seal round turns
// the heads of a run into blocks: immutable, compressed runs of points
// (package block) stored under ordered keys, with their statistics and
// summary pyramid under a separate small key, so that a chart reads
// summaries without fetching points. A run's seal round starts when a head
// holds HeadMaxPoints points (it seals whole blocks of the full heads), when
// the run was idle for IdleSeal or stops running, when its heads hold back
// too much of the write-ahead log (then only those heads), and at Close. A
// point that arrives for a step at or below the series' last sealed
// step waits in the head as a patch: reads merge it into the block whose
// territory holds it (head wins), and the next seal round rewrites that
// block.
//
// Every Append writes one record to the write-ahead log (package wal, in
// Dir/wal) and returns after an fsync that covers it, shared with the
// appenders waiting at the same moment. Open replays the records that no
// seal round covered yet, into heads and run summaries.
//
// # Format
//
// Engine keys all start with "e/"; docs/format/keys.md draws every key and
// value, docs/format/wal.md the log, and docs/format/block.md the block and
// summary encodings. The catalogue and the summaries are in Badger; the
// bytes of blocks are in a BlockStore (by default the same Badger), which
// the engine reaches only through its interface: put, get, list, delete.
//
//	e/p/<project>                      project record (version, JSON)
//	e/r/<project>/<run>                run record: metadata, summary, wal floor
//	e/k/<project>/<run>/<key>          no longer written (earlier series list)
//	e/s/<project>/<run>/<key>\x00<minStep:8>  version, block hash and id, summary
//	e/b/<project>/<run>/<key>\x00<minStep:8><id:8>  block (BlockStore)
//
// A block's id is random, so a rewritten block gets a new key and no key is
// ever written twice: blocks are immutable objects.
//
// # Concurrency
//
// Every method is safe for concurrent use. DB.mu guards the catalogue maps;
// createMu serializes creation and deletion. Per run, runState.mu guards
// heads, summaries and bookkeeping and is held only for memory work, never
// across I/O; runState.sealMu is held for writing by a seal round, UpdateRun
// and DeleteRun (which therefore write the run record in order), and for
// reading by a Scan while it takes its snapshot: the block list and a copy
// of the head under runState.mu, plus a Badger read transaction for the
// summaries, so the chunks stay consistent after the locks are released;
// the blocks it lists stay in the BlockStore until it ends.
//
// Append applies a batch to the heads and writes its log record under
// runState.mu (so a run's records are in the log in sequence order), then
// waits for the fsync without any lock, so that concurrent appenders share
// fsyncs. DB.walMu orders log writes with the bookkeeping of which segment
// holds which run's records; it is taken inside runState.mu, never around
// it. Close waits for the calls in progress; a call that starts after it
// gets ErrClosed.
//
// # Invariants
//
//   - The sealed blocks of a series never overlap and are listed in
//     increasing step; a block's territory runs from its minStep to the next
//     block's minStep (the first block's from step 0).
//   - A point in a head wins over a sealed point at the same step; within a
//     head the later write wins.
//   - A run's wal floor is the sequence of the oldest batch with a point in
//     a head. Run records are written only under runState.sealMu, a seal
//     round's in its last transaction, after its blocks are durable in the
//     BlockStore and its summaries in Badger, so every batch below the
//     floor a record carries is in durable blocks. Replay applies the
//     records at or above it; a log segment is removed once it holds no
//     such record. Close removes them after its seal round and the log's
//     close, the active one included, so a clean stop leaves no log.
//   - The run summary is updated on ingest and persisted with each seal
//     round; replaying the records above the floor on top of it restores the
//     summary of the last acknowledged batch.
//   - Decoded blocks and summaries are cached under the hash of the block's
//     encoded bytes, so a rewritten block never meets a stale cache entry.
//     Cached blocks and summaries are never written: readers share them.
//   - A summary names only a block that exists: a seal round puts its new
//     blocks in the BlockStore, then writes the summaries and run record to
//     Badger, then deletes the blocks it replaced. A crash between steps
//     leaves at worst blocks that no summary names.
//   - A replaced block is deleted only once every Scan that took its view
//     before the replacement has ended (the run's retire epochs), since a
//     BlockStore has no snapshots.
package engine
