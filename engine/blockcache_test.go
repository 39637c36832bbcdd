package engine

import (
	"bytes"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/sextant-ml/sextant/engine/block"
)

func TestBlockCacheEvictsByBytes(t *testing.T) {
	c := newBlockCache(1000) // one shard of 1000 bytes
	if len(c.shards) != 1 {
		t.Fatalf("a 1000-byte cache has %d shards, want 1", len(c.shards))
	}
	key := func(i int) cacheKey { return cacheKey{hash: uint64(i) << 40} }
	for i := range 4 {
		c.put(key(i), i, 300)
	}
	// Four entries of 300 bytes do not fit: the first one went.
	if bytes, n, evicted := c.usage(); bytes != 900 || n != 3 || evicted != 1 {
		t.Errorf("usage = %d bytes, %d entries, %d evicted; want 900, 3, 1", bytes, n, evicted)
	}
	if _, ok := c.get(key(0)); ok {
		t.Errorf("entry 0, the least recently used, is still cached")
	}
	// Reading entry 1 makes entry 2 the least recently used.
	if v, ok := c.get(key(1)); !ok || v.(int) != 1 {
		t.Fatalf("get(1) = %v, %v; want 1, true", v, ok)
	}
	c.put(key(4), 4, 500)
	for i, want := range []bool{false, true, false, false, true} {
		if _, ok := c.get(key(i)); ok != want {
			t.Errorf("after a 500-byte put: entry %d cached = %v, want %v", i, ok, want)
		}
	}
	if bytes, _, _ := c.usage(); bytes != 800 {
		t.Errorf("cache holds %d bytes, want 800", bytes)
	}
	// An entry larger than the cache is not stored and evicts nothing.
	c.put(key(5), 5, 1001)
	if _, ok := c.get(key(5)); ok {
		t.Errorf("an entry over the limit was stored")
	}
	if _, n, _ := c.usage(); n != 2 {
		t.Errorf("cache holds %d entries after an oversized put, want 2", n)
	}
	c.reset()
	if bytes, n, _ := c.usage(); bytes != 0 || n != 0 {
		t.Errorf("after reset: %d bytes, %d entries; want none", bytes, n)
	}
}

// TestBlockCacheSecondChance checks the eviction order when every entry was
// read: a put still keeps the new entry and evicts the oldest, and an entry
// read again after that outlives the ones that were not.
func TestBlockCacheSecondChance(t *testing.T) {
	c := newBlockCache(1000)
	key := func(i int) cacheKey { return cacheKey{hash: uint64(i) << 40} }
	for i := range 3 {
		c.put(key(i), i, 300)
	}
	for i := range 3 {
		if _, ok := c.get(key(i)); !ok {
			t.Fatalf("get(%d) missed before any eviction", i)
		}
	}
	c.put(key(3), 3, 300)
	for i, want := range []bool{false, true, true, true} {
		if _, ok := c.get(key(i)); ok != want {
			t.Errorf("after a put over 3 read entries: entry %d cached = %v, want %v",
				i, ok, want)
		}
	}
	// The checks above marked 1, 2 and 3; the put of 4 clears the marks
	// on its way to evicting 1, so of the entries before it only 2, read
	// again, outlives the put of 5.
	c.put(key(4), 4, 300)
	if _, ok := c.get(key(2)); !ok {
		t.Fatalf("get(2) missed right after a put")
	}
	c.put(key(5), 5, 300)
	for i, want := range []bool{false, false, true, false, true, true} {
		if _, ok := c.get(key(i)); ok != want {
			t.Errorf("after puts of 4 and 5: entry %d cached = %v, want %v", i, ok, want)
		}
	}
}

func TestBlockCacheShards(t *testing.T) {
	tests := []struct {
		limit, shards int
	}{
		{1 << 20, 1},
		{16 << 20, 2},
		{64 << 20, 8},
		{1 << 30, 16},
	}
	for _, tt := range tests {
		c := newBlockCache(tt.limit)
		if len(c.shards) != tt.shards || c.shards[0].limit*tt.shards > tt.limit {
			t.Errorf("newBlockCache(%d): %d shards of %d bytes, want %d shards within the limit",
				tt.limit, len(c.shards), c.shards[0].limit, tt.shards)
		}
	}
}

// TestEngineCacheBounded reads more blocks than the cache holds and checks
// that the cache stays within its bytes and still answers correctly.
func TestEngineCacheBounded(t *testing.T) {
	const limit = 64 << 10 // 64 KiB: one shard, about 7 blocks of 1024 points
	db := openDB(t, "", Options{HeadMaxPoints: 1024, CacheBytes: limit})
	newRun(t, db, "p", "r")
	mustAppend(t, db, "p", "r", rowsOf("x", stepRange(0, 32*1024), sine))
	if err := db.sealAll(sealAll); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		got, err := db.Read("p", "r", "x", 0, math.MaxInt64)
		if err != nil || !samePoints(got, pointsOf(stepRange(0, 32*1024), sine)) {
			t.Fatalf("Read = %d points, %v; want the 32768 written", got.Len(), err)
		}
		if bytes, _, _ := db.cache.usage(); bytes > limit {
			t.Errorf("cache holds %d bytes, over its %d", bytes, limit)
		}
	}
	if s := db.Stats(); s.CacheEvictions == 0 || s.CacheBytes <= 0 || s.CacheBytes > limit {
		t.Errorf("reading 32 blocks through a cache of about 7: %d evictions, %d bytes held",
			s.CacheEvictions, s.CacheBytes)
	}
}

// TestRewrittenBlockNotStale caches a block, rewrites it with a late point
// and checks that reads see the new point: the cache key is the hash of the
// block's bytes.
func TestRewrittenBlockNotStale(t *testing.T) {
	db := openDB(t, "", Options{HeadMaxPoints: 64})
	newRun(t, db, "p", "r")
	mustAppend(t, db, "p", "r", rowsOf("x", stepRange(0, 128), sine))
	if err := db.sealAll(sealAll); err != nil {
		t.Fatal(err)
	}
	want := pointsOf(stepRange(0, 128), sine)
	for range 2 { // the second time from the cache
		if got, err := db.Read("p", "r", "x", 0, 127); err != nil || !samePoints(got, want) {
			t.Fatalf("Read = %d points, %v; want the 128 written", got.Len(), err)
		}
	}
	mustAppend(t, db, "p", "r", rowsOf("x", []int64{10}, constant(99)))
	if err := db.sealAll(sealAll); err != nil {
		t.Fatal(err)
	}
	want.Values[10] = 99
	before := db.Stats()
	var chunks []*Chunk
	err := db.Scan("p", "r", "x", 0, 127, func(c *Chunk) error {
		chunks = append(chunks, c)
		_, err := c.Span(0, c.Stats.Count)
		return err
	})
	if err != nil || len(chunks) != 2 {
		t.Fatalf("Scan: %d chunks, %v; want 2", len(chunks), err)
	}
	// The rewrite put the new block in the cache as it sealed it, so the
	// Scan decodes nothing; the new maximum below shows it met the new
	// block's entries, not the old block's.
	if s := db.Stats(); s.SummaryHits != before.SummaryHits+2 ||
		s.SummaryMisses != before.SummaryMisses || s.CacheMisses != before.CacheMisses {
		t.Errorf("Scan after the rewrite: %d summary hits, %d misses, %d blocks decoded; "+
			"want 2, 0 and 0", s.SummaryHits-before.SummaryHits,
			s.SummaryMisses-before.SummaryMisses, s.CacheMisses-before.CacheMisses)
	}
	if c := chunks[0]; c.Stats.Max != 99 || c.Stats.MaxAt != 10 || c.Pyramid[0].Max != 99 {
		t.Errorf("rewritten block: max %v at %d, bucket max %v; want 99 at 10",
			c.Stats.Max, c.Stats.MaxAt, c.Pyramid[0].Max)
	}
	if got, err := db.Read("p", "r", "x", 0, 127); err != nil || !samePoints(got, want) {
		t.Errorf("Read after the rewrite = %v, %v; want step 10 = 99", got.Values[:12], err)
	}
}

// TestChunkSpan reads a sealed block bucket by bucket and by any range of
// positions, with evenly and unevenly spaced steps.
func TestChunkSpan(t *testing.T) {
	even := stepRange(0, 300)
	var uneven []int64
	for s := int64(0); len(uneven) < 300; s += 1 + s%3 {
		uneven = append(uneven, s)
	}
	tests := []struct {
		name    string
		steps   []int64
		compact bool // the cache keeps no steps
	}{
		{"even", even, true},
		{"stride 5", func() []int64 {
			s := slices.Clone(even)
			for i := range s {
				s[i] = 7 + 5*s[i]
			}
			return s
		}(), true},
		{"uneven", uneven, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openDB(t, "", Options{HeadMaxPoints: 300})
			newRun(t, db, "p", "r")
			mustAppend(t, db, "p", "r", rowsOf("x", tt.steps, sine))
			if err := db.sealAll(sealAll); err != nil {
				t.Fatal(err)
			}
			db.cache.reset() // the seal put the block there; decode it
			want := pointsOf(tt.steps, sine)
			err := db.Scan("p", "r", "x", 0, math.MaxInt64, func(c *Chunk) error {
				checkSpans(t, c, want)
				s, _ := c.Span(0, c.Stats.Count)
				if (s.steps == nil) != tt.compact {
					t.Errorf("cached span keeps steps: %v, want %v", s.steps != nil, !tt.compact)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if s := db.Stats(); s.CacheMisses != 1 {
				t.Errorf("spans of one block decoded it %d times, want once", s.CacheMisses)
			}
		})
	}
}

// checkSpans checks every bucket span of c, a few position ranges and
// Search against want, the chunk's points.
func checkSpans(t *testing.T, c *Chunk, want Points) {
	t.Helper()
	if len(c.Pyramid) != (want.Len()+block.PyramidSpan-1)/block.PyramidSpan {
		t.Fatalf("chunk has %d buckets for %d points", len(c.Pyramid), want.Len())
	}
	for b, bk := range c.Pyramid {
		i := b * block.PyramidSpan
		s, err := c.Span(i, i+bk.Count)
		if err != nil || !samePoints(s.AppendTo(Points{}), slicePoints(want, i, i+bk.Count)) {
			t.Errorf("bucket %d: span differs from its points (%v)", b, err)
		}
		if s.Step(0) != bk.MinStep || s.Step(s.Len()-1) != bk.MaxStep {
			t.Errorf("bucket %d: span steps %d..%d, bucket %d..%d",
				b, s.Step(0), s.Step(s.Len()-1), bk.MinStep, bk.MaxStep)
		}
	}
	for _, r := range [][2]int{{0, 0}, {0, 1}, {5, 77}, {250, 300}, {299, 300}} {
		s, err := c.Span(r[0], r[1])
		if err != nil || !samePoints(s.AppendTo(Points{}), slicePoints(want, r[0], r[1])) {
			t.Errorf("Span(%d, %d) differs from the points (%v)", r[0], r[1], err)
		}
	}
	for _, r := range [][2]int{{-1, 3}, {4, 3}, {0, 301}} {
		if _, err := c.Span(r[0], r[1]); err == nil {
			t.Errorf("Span(%d, %d) of 300 points: no error", r[0], r[1])
		}
	}
	s, _ := c.Span(0, want.Len())
	last := want.Steps[want.Len()-1]
	for step := int64(-1); step <= last+2; step++ {
		i, _ := slices.BinarySearch(want.Steps, step)
		if got := s.Search(step); got != i {
			t.Errorf("Search(%d) = %d, want %d", step, got, i)
		}
	}
	for _, lohi := range [][2]int64{{0, math.MaxInt64}, {3, 3}, {10, 200}, {last, last + 5}} {
		i, _ := slices.BinarySearch(want.Steps, lohi[0])
		j, found := slices.BinarySearch(want.Steps, lohi[1])
		if found {
			j++
		}
		got := s.within(lohi[0], lohi[1]).AppendTo(Points{})
		if !samePoints(got, slicePoints(want, i, j)) {
			t.Errorf("within(%d, %d) = %d points, want %d", lohi[0], lohi[1], got.Len(), j-i)
		}
	}
}

func slicePoints(p Points, i, j int) Points {
	return Points{Steps: p.Steps[i:j], Values: p.Values[i:j]}
}

// TestCoarsen checks each coarse bucket of all-finite points against the
// statistics of the points it folds, for blocks of various lengths.
func TestCoarsen(t *testing.T) {
	span := CoarseSpan * block.PyramidSpan
	for _, n := range []int{1, 63, 64, span - 1, span, span + 1, 3*span + 77, 8192} {
		steps, values := make([]int64, n), make([]float64, n)
		for i := range n {
			steps[i] = int64(3 * i)
			values[i] = float64((i * 7919) % 101) // ties at both extremes
		}
		_, pyr := block.Summarize(steps, values)
		coarse := coarsen(pyr)
		if want := (n + span - 1) / span; len(coarse) != want {
			t.Fatalf("n %d: %d coarse buckets, want %d", n, len(coarse), want)
		}
		for k, c := range coarse {
			lo, hi := k*span, min((k+1)*span, n)
			st, _ := block.Summarize(steps[lo:hi], values[lo:hi])
			got := [...]float64{float64(c.Count), float64(c.Finite), float64(c.MinStep),
				float64(c.MaxStep), float64(c.FirstStep), c.First, float64(c.LastStep), c.Last,
				float64(c.MinAt), c.Min, float64(c.MaxAt), c.Max}
			want := [...]float64{float64(st.Count), float64(st.Count), float64(st.MinStep),
				float64(st.MaxStep), float64(st.MinStep), st.First, float64(st.MaxStep), st.Last,
				float64(st.MinAt), st.Min, float64(st.MaxAt), st.Max}
			if got != want {
				t.Errorf("n %d coarse %d: got %v, want %v", n, k, got, want)
			}
		}
	}
	if coarsen(nil) != nil {
		t.Error("coarsen(nil) is not nil")
	}
}

// TestCutsBuiltOnSecondAsk checks that a block's Cuts are not built for
// the first read of it, which scans instead, and are built, right, for the
// next one.
func TestCutsBuiltOnSecondAsk(t *testing.T) {
	p := Points{Steps: make([]int64, 300), Values: make([]float64, 300)}
	for i := range p.Steps {
		p.Steps[i], p.Values[i] = int64(i), float64((i*37)%101)
	}
	first := NewChunk(p)
	for range 2 { // one chunk answers alike however often it is asked
		if cuts, err := first.Cuts(); err != nil || cuts != nil {
			t.Fatalf("first chunk's Cuts() = %d Cuts, %v; want none", len(cuts), err)
		}
	}
	cuts, err := first.Again().Cuts()
	if err != nil {
		t.Fatal(err)
	}
	if want := block.AppendCuts(nil, p.Values); !reflect.DeepEqual(cuts, want) {
		t.Errorf("second chunk's Cuts() = %v, want %v", cuts, want)
	}
}

// TestSealFillsCache checks that a seal puts each metric block in the
// block cache exactly as reading it back would decode it, bit for bit,
// and leaves the clock series to be decoded when read.
func TestSealFillsCache(t *testing.T) {
	db := openDB(t, "", Options{HeadMaxPoints: 256})
	newRun(t, db, "p", "r")
	var steps []int64 // evenly spaced, then not
	for s := int64(0); len(steps) < 1000; s += max(1, s/500*(1+s%3)) {
		steps = append(steps, s)
	}
	odd := []float64{math.NaN(), math.Float64frombits(0x7ff8_0000_0000_0001), math.Copysign(0, -1),
		math.Inf(1), math.Inf(-1)}
	value := func(s int64) float64 {
		switch {
		case s%97 < int64(len(odd)):
			return odd[s%97]
		case s%2 == 0:
			return float64(float32(math.Sin(float64(s) / 10)))
		default:
			return float64(s) / 10
		}
	}
	mustAppend(t, db, "p", "r", rowsOf("x", steps, value))
	if err := db.sealAll(sealAll); err != nil {
		t.Fatal(err)
	}
	if n := db.Stats().BlocksCached; n != 4 {
		t.Errorf("sealing 4 blocks of x put %d in the cache, want 4 (none of the clocks)", n)
	}

	type read struct {
		points    Points
		summaries [][]byte
		extremes  []Extreme
		cuts      []block.Cuts // nil for a block read the first time
	}
	readAll := func() read {
		var r read
		err := db.Scan("p", "r", "x", 0, math.MaxInt64, func(c *Chunk) error {
			cuts, err := c.Cuts()
			if err != nil {
				return err
			}
			r.cuts = append(r.cuts, cuts...)
			p, err := c.Points()
			r.points = Points{Steps: append(r.points.Steps, p.Steps...),
				Values: append(r.points.Values, p.Values...)}
			r.summaries = append(r.summaries, block.AppendSummary(nil, c.Stats, c.Pyramid),
				block.AppendSummary(nil, c.Stats, c.Coarse))
			r.extremes = append(append(r.extremes, c.Extremes...), c.CoarseExtremes...)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	cached := readAll()
	if s := db.Stats(); s.CacheMisses != 0 || s.SummaryMisses != 0 {
		t.Errorf("reading sealed blocks decoded %d blocks and %d summaries, want none",
			s.CacheMisses, s.SummaryMisses)
	}
	if _, err := db.Read("p", "r", KeyTimestamp, 0, math.MaxInt64); err != nil {
		t.Fatal(err)
	}
	if n := db.Stats().CacheMisses; n != 4 {
		t.Errorf("reading _timestamp decoded %d blocks, want its 4", n)
	}

	db.cache.reset()
	decoded := readAll()
	if !samePoints(cached.points, decoded.points) ||
		!samePoints(cached.points, pointsOf(steps, value)) {
		t.Errorf("points put by the seal differ from the decoded ones or from those written")
	}
	if !slices.EqualFunc(cached.summaries, decoded.summaries, bytes.Equal) {
		t.Errorf("summaries put by the seal differ from the decoded ones")
	}
	sameExtreme := func(a, b Extreme) bool {
		return math.Float64bits(a.Min) == math.Float64bits(b.Min) &&
			math.Float64bits(a.Max) == math.Float64bits(b.Max) && a.MinAt == b.MinAt &&
			a.MaxAt == b.MaxAt
	}
	if !slices.EqualFunc(cached.extremes, decoded.extremes, sameExtreme) {
		t.Errorf("extremes put by the seal differ from the decoded ones")
	}
	if decoded.cuts != nil {
		t.Errorf("decoded blocks had Cuts at their first read")
	}
	var want []block.Cuts
	for lo := 0; lo < len(steps); lo += 256 {
		want = block.AppendCuts(want, decoded.points.Values[lo:min(lo+256, len(steps))])
	}
	if !slices.Equal(cached.cuts, want) {
		t.Errorf("the seal put %d Cuts, want the %d built from the decoded values",
			len(cached.cuts), len(want))
	}
}
