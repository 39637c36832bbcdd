package engine

import (
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/sextant-ml/sextant/engine/block"
)

// The block cache holds decoded blocks and decoded summaries in the Go heap,
// as immutable values that readers share without copying: a chart over a
// long series reads a few points of most blocks and every summary, so the
// copy a byte cache costs on each read (and the decoding of a byte layout)
// would be most of the work. It used to be a fastcache, which keeps byte
// strings off the heap; fastcache stays the answer cache of the query layer,
// whose values are byte strings served as they are.
//
// Entries are keyed by the xxhash of the encoded block, so a rewritten block
// (a new hash) never meets the entry of the block it replaced, and the old
// entry ages out. The cache is split in shards, each a list bounded by its
// share of the bytes and evicted in least recently used order by second
// chance (CLOCK): a hit only marks its entry used, and eviction moves a used
// entry back to the front instead of dropping it. A chart reads two entries
// of every block of its range, and moving each to the front on every hit
// touched three entries scattered in memory, 7% of a warm chart's CPU.
//
// TODO: a chart over more blocks than the cache holds reads them in the
// same order every time, which an LRU answers with a miss on every block;
// an admission or eviction policy that resists scans (keeping a fixed part
// of the working set) would make such charts degrade gradually.

// cacheKind tells the two kinds of entry of one block apart.
type cacheKind uint8

const (
	kindPoints  cacheKind = iota // a *decodedBlock: the block's points
	kindSummary                  // a *decodedSummary
)

type cacheKey struct {
	hash uint64
	kind cacheKind
}

// decodedBlock is a block's points as the cache holds them, and the Cuts
// of its buckets, built the second time a reader asks (a chart that cuts
// buckets at column edges); the cache charges for them from the start.
// Never written after it is cached, but for cuts, under cutsOnce.
type decodedBlock struct {
	span     Span
	asked    atomic.Int32 // calls of cutTable
	cutsOnce sync.Once
	cuts     []block.Cuts
	// hasCuts is set once cuts holds the table, so that a reader outside
	// cutsOnce (a save of the cache, a block loaded with its table) can
	// see it.
	hasCuts atomic.Bool
}

// cutTable returns the Cuts of the block's buckets, or nil the first time
// it is called. Building them reads every value of the block (about 5 ns
// a point), while a chart splits a few of its buckets: the first chart
// after a restart, which decodes every block it meets, spent a fifth of
// its CPU building tables it used once. A reader given nil scans the
// buckets it splits; a block asked again is likely to be read again, and
// gets its table.
func (b *decodedBlock) cutTable() []block.Cuts {
	if b.hasCuts.Load() {
		return b.cuts
	}
	if b.asked.Add(1) == 1 {
		return nil
	}
	b.cutsOnce.Do(func() {
		b.cuts = block.AppendCuts(nil, b.span.Values)
		b.hasCuts.Store(true)
	})
	return b.cuts
}

// builtCuts returns the block's Cuts if they were built, else nil.
func (b *decodedBlock) builtCuts() []block.Cuts {
	if b.hasCuts.Load() {
		return b.cuts
	}
	return nil
}

// decodedSummary is a block's statistics and pyramid as the cache holds
// them; never written after it is cached.
type decodedSummary struct {
	st             block.Stats
	pyr            []block.Bucket
	coarse         []block.Bucket // coarsen(pyr)
	ext, coarseExt []Extreme      // extremesOf(pyr), extremesOf(coarse)
}

// newDecodedSummary returns the summary of a block of statistics st and
// pyramid pyr, with the levels computed from them.
func newDecodedSummary(st block.Stats, pyr []block.Bucket) *decodedSummary {
	coarse := coarsen(pyr)
	return &decodedSummary{st: st, pyr: pyr, coarse: coarse, ext: extremesOf(pyr),
		coarseExt: extremesOf(coarse)}
}

// chunk returns a chunk of the summary, its points not yet reachable.
func (s *decodedSummary) chunk() *Chunk {
	return &Chunk{Stats: s.st, Pyramid: s.pyr, Coarse: s.coarse, Extremes: s.ext,
		CoarseExtremes: s.coarseExt}
}

// Sizes the cache charges for an entry besides its slices: the entry, its
// map slot and the value's header, rounded up.
const (
	entryOverhead   = 160
	bucketBytes     = int(unsafe.Sizeof(block.Bucket{}))
	minShardBytes   = 8 << 20 // room for a few of the largest blocks
	maxCacheShards  = 16
	spanHeaderBytes = int(unsafe.Sizeof(decodedBlock{}))
	cutsBytes       = int(unsafe.Sizeof(block.Cuts{}))
)

type cacheEntry struct {
	key        cacheKey
	val        any
	size       int
	used       bool // read since it last reached the back of the list
	prev, next *cacheEntry
}

// blockCache is a byte-bounded, sharded LRU cache of decoded blocks and
// summaries; safe for concurrent use.
type blockCache struct {
	shards []cacheShard
	puts   atomic.Uint64 // entries stored, ever
}

type cacheShard struct {
	mu      sync.Mutex
	m       map[cacheKey]*cacheEntry
	lru     cacheEntry // sentinel: lru.next is the most recently used
	bytes   int
	limit   int
	evicted uint64
	_       [64]byte // keep shards on separate cache lines
}

// newBlockCache returns a cache of at most limit bytes. Shards get at least
// minShardBytes each, so a small cache has fewer of them.
func newBlockCache(limit int) *blockCache {
	n := 1
	for n < maxCacheShards && limit/(2*n) >= minShardBytes {
		n *= 2
	}
	c := &blockCache{shards: make([]cacheShard, n)}
	for i := range c.shards {
		s := &c.shards[i]
		s.m = make(map[cacheKey]*cacheEntry)
		s.lru.next, s.lru.prev = &s.lru, &s.lru
		s.limit = limit / n
	}
	return c
}

func (c *blockCache) shard(k cacheKey) *cacheShard {
	// The hash is xxhash, so its high bits are as good as any.
	return &c.shards[(k.hash>>32)%uint64(len(c.shards))]
}

// get returns the value under k and marks it used.
func (c *blockCache) get(k cacheKey) (any, bool) {
	s := c.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.m[k]
	if e == nil {
		return nil, false
	}
	e.used = true
	return e.val, true
}

// put stores v under k, charged size bytes, evicting the entries of its
// shard unused for longest to make room. A new entry counts as used, so
// that it outlives entries not read since the last eviction. A value larger
// than a shard is not stored. A value already present is kept: both are the
// decoding of the same bytes.
func (c *blockCache) put(k cacheKey, v any, size int) {
	s := c.shard(k)
	if size > s.limit {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m[k] != nil {
		return
	}
	c.puts.Add(1)
	e := &cacheEntry{key: k, val: v, size: size, used: true}
	s.m[k] = e
	s.pushFront(e)
	s.bytes += size
	for s.bytes > s.limit {
		old := s.lru.prev
		old.unlink()
		if old.used {
			// Each entry's mark is cleared once a turn, so the loop ends.
			old.used = false
			s.pushFront(old)
			continue
		}
		delete(s.m, old.key)
		s.bytes -= old.size
		s.evicted++
	}
}

// reset empties the cache.
func (c *blockCache) reset() {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		clear(s.m)
		s.lru.next, s.lru.prev = &s.lru, &s.lru
		s.bytes = 0
		s.mu.Unlock()
	}
}

// usage returns the bytes the cache holds, its entries and how many it
// evicted since it was made.
func (c *blockCache) usage() (bytes, entries int, evicted uint64) {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		bytes, entries, evicted = bytes+s.bytes, entries+len(s.m), evicted+s.evicted
		s.mu.Unlock()
	}
	return bytes, entries, evicted
}

func (s *cacheShard) pushFront(e *cacheEntry) {
	e.prev, e.next = &s.lru, s.lru.next
	s.lru.next.prev = e
	s.lru.next = e
}

func (e *cacheEntry) unlink() {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
}

// spanBytes is what the cache charges for a decoded block, its Cuts
// included.
func spanBytes(s *Span) int {
	buckets := (len(s.Values) + block.PyramidSpan - 1) / block.PyramidSpan
	return entryOverhead + spanHeaderBytes + 8*len(s.Values) + 8*len(s.steps) +
		cutsBytes*buckets
}

// summaryBytes is what the cache charges for a decoded summary.
func summaryBytes(s *decodedSummary) int {
	return entryOverhead + int(unsafe.Sizeof(*s)) + bucketBytes*(len(s.pyr)+len(s.coarse)) +
		extremeBytes*(len(s.ext)+len(s.coarseExt))
}
