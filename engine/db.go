package engine

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"

	"github.com/sextant-ml/sextant/engine/block"
	"github.com/sextant-ml/sextant/engine/wal"
)

// Defaults of Options; docs/performance-engine.md records the measurements
// behind them.
const (
	DefaultHeadMaxPoints = 8192
	DefaultIdleSeal      = time.Minute
	// DefaultCacheBytes bounds the block cache: 1.5 GiB. The chart target
	// of docs/performance.md, 100 runs of a million evenly stepped points,
	// takes 912 MiB there (8 bytes a point of values, 1.5 of summaries, as
	// docs/performance-engine.md measures), and 960 MiB with the block.Cuts
	// of every block (0.5 a point); the rest absorbs the shards' uneven
	// filling and other series, since a cache smaller than the blocks a
	// chart cycles through misses on every one of them.
	DefaultCacheBytes = 1536 << 20
	// DefaultWALSegmentBytes is the size past which a log segment rotates.
	DefaultWALSegmentBytes = 64 << 20
)

// DB is the metric store: the run catalogue, the heads and the sealed blocks,
// in one Badger database that the workspace and access layers share under
// their own key prefixes (see docs/format/keys.md).
type DB struct {
	bdb    *badger.DB
	blocks BlockStore // the bytes of sealed blocks
	opts   Options
	cache  *blockCache
	// loadedCache is the saved block cache LoadCache filled the cache
	// from, the cache's puts once it had, and how many of its blocks came
	// with their Cuts.
	loadedCache struct {
		sync.Mutex
		path string
		puts uint64
		cuts int
	}

	// createMu serializes changes to the catalogue's membership: creating
	// projects and runs, deleting runs.
	createMu sync.Mutex
	// mu guards projects and, inside each, its runs and their order.
	mu       sync.RWMutex
	projects map[string]*projectState

	// log is the write-ahead log; nil in memory. walMu guards segRuns and
	// lastSeg, and orders log writes with their bookkeeping.
	log     *wal.Log
	walMu   sync.Mutex
	segRuns map[int]map[*runState]uint64 // per segment: runs and last seq
	lastSeg int

	closed   atomic.Bool
	calls    atomic.Int64 // public calls in progress
	kick     chan struct{}
	stop     chan struct{}
	sealerWG sync.WaitGroup
	stats    counters
	// sweepDue says that blocks may be orphaned: the last shutdown was
	// not clean, or a seal round failed (see sweep.go).
	sweepDue atomic.Bool
}

// projectState is a project and the runs that belong to it.
type projectState struct {
	meta  Project
	runs  map[string]*runState
	order []*runState // in creation order

	// keysMu guards keys, the number of runs that have each metric key.
	keysMu sync.Mutex
	keys   map[string]int
}

// Open opens or creates the store described by opts, replaying whatever was
// acknowledged but not yet sealed.
func Open(opts Options) (*DB, error) {
	opts = opts.withDefaults()
	bdb, err := badger.Open(badgerOptions(opts))
	if err != nil {
		return nil, fmt.Errorf("open badger: %w", err)
	}
	db := &DB{
		bdb:      bdb,
		opts:     opts,
		blocks:   opts.BlockStore,
		cache:    newBlockCache(opts.CacheBytes),
		projects: make(map[string]*projectState),
		segRuns:  make(map[int]map[*runState]uint64),
		kick:     make(chan struct{}, 1),
		stop:     make(chan struct{}),
	}
	if db.blocks == nil {
		db.blocks = NewBadgerBlockStore(bdb)
	}
	if err := db.load(); err != nil {
		return nil, errors.Join(err, bdb.Close())
	}
	if !opts.InMemory {
		if db.log, err = wal.Open(walDir(opts.Dir), opts.WALSegmentBytes); err != nil {
			return nil, errors.Join(err, bdb.Close())
		}
	}
	db.sealerWG.Add(1)
	go db.idleSealer()
	if opts.SweepAfter >= 0 {
		db.sealerWG.Add(1)
		go db.sweeper()
	}
	return db, nil
}

func (o Options) withDefaults() Options {
	if o.HeadMaxPoints <= 0 {
		o.HeadMaxPoints = DefaultHeadMaxPoints
	}
	o.HeadMaxPoints = min(o.HeadMaxPoints, block.MaxPoints)
	if o.IdleSeal <= 0 {
		o.IdleSeal = DefaultIdleSeal
	}
	if o.CacheBytes <= 0 {
		o.CacheBytes = DefaultCacheBytes
	}
	if o.SweepAfter == 0 {
		o.SweepAfter = DefaultSweepAfter
	}
	if o.WALSegmentBytes <= 0 {
		o.WALSegmentBytes = DefaultWALSegmentBytes
	}
	return o
}

// Badger's tables are compressed in blocks of badgerTableBlockBytes (not
// the engine's metric blocks: a table block holds many records), and
// badgerBlockCacheBytes bounds its cache of decompressed table blocks,
// which Badger needs once tables are compressed.
const (
	badgerTableBlockBytes = 16 << 10
	badgerBlockCacheBytes = 16 << 20
)

// badgerOptions tunes Badger for the engine; docs/format/keys.md and
// docs/performance-engine.md give the reasons.
func badgerOptions(o Options) badger.Options {
	bo := badger.DefaultOptions(o.Dir).
		WithLogger(nil).
		WithSyncWrites(true).
		WithNumVersionsToKeep(1).
		WithCompactL0OnClose(true).
		WithCompression(options.Snappy).
		WithBlockSize(badgerTableBlockBytes).
		WithBlockCacheSize(badgerBlockCacheBytes).
		WithValueThreshold(1 << 20).
		WithMemTableSize(16 << 20).
		WithNumMemtables(3).
		WithNumCompactors(2).
		WithMetricsEnabled(false)
	if o.InMemory {
		bo = bo.WithDir("").WithValueDir("").WithInMemory(true)
	}
	return bo
}

// Close seals every head, flushes and closes the store, and removes the
// write-ahead log segments the final seal round made useless: normally all.
func (db *DB) Close() error {
	if db.closed.Swap(true) {
		return ErrClosed
	}
	db.drain()
	close(db.stop)
	db.sealerWG.Wait()
	err := db.sealAll(sealAll)
	if db.log != nil {
		cerr := db.log.Close()
		if cerr == nil {
			cerr = db.dropWAL()
		}
		err = errors.Join(err, cerr)
	}
	return errors.Join(err, closeBadger(db.bdb, db.opts))
}

// Badger returns the underlying database for layers that keep their own
// records beside the metrics, under key prefixes the engine never uses.
func (db *DB) Badger() *badger.DB { return db.bdb }

// enter starts a call of a public method: ErrClosed once Close began.
// Every successful enter is paired with a leave.
func (db *DB) enter() error {
	db.calls.Add(1)
	if db.closed.Load() {
		db.calls.Add(-1)
		return ErrClosed
	}
	return nil
}

func (db *DB) leave() { db.calls.Add(-1) }

// drain waits for the calls that entered before Close to return. A call
// nested in a Scan callback gets ErrClosed instead of blocking it.
func (db *DB) drain() {
	for db.calls.Load() > 0 {
		time.Sleep(time.Millisecond)
	}
}

// idleSealer seals the heads of runs that stopped writing, so that memory
// and write-ahead records do not outlive a finished run for long, and
// removes the log segments that seal rounds made useless.
func (db *DB) idleSealer() {
	defer db.sealerWG.Done()
	tick := time.NewTicker(max(db.opts.IdleSeal/4, 10*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-db.stop:
			return
		case <-tick.C:
			// Errors surface again on the next seal or at Close.
			_ = db.sealAll(sealIdle)
			_ = db.checkpoint()
		case <-db.kick:
			_ = db.checkpoint()
		}
	}
}
