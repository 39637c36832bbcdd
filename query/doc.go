// Package query answers chart queries, lists runs and exports history.
//
// Terms: a run is one training run of a project; a series is the history of
// one metric key of one run, a sequence of points (step, value) in
// increasing step; a chunk is a piece of a series that the store hands out
// with its statistics and its summary pyramid of buckets (block.Bucket, one
// per PyramidSpan points), so that most pixel columns of a chart are drawn
// from buckets without decoding points.
//
// A chart query names runs (or a runs filter), metric keys, an x-axis, an
// x-range and a width in pixel columns. Each series is downsampled on its
// own (mode m4, lttb or raw), optionally smoothed, and optionally grouped
// with the series of other runs of the same key.
//
// # M4
//
// A point falls in column floor((x - xMin) * width / (xMax - xMin)), in
// column width-1 when x = xMax, and in column 0 when xMin = xMax. For each
// column the answer keeps the point with the smallest x, the largest x, the
// smallest y and the largest y (ties to the smallest x), each point once, in
// increasing x. Points are ordered by x, then by step, so that equal x
// values (a batch of rows sharing one server timestamp) still have one
// order. Only points with a finite y are drawn, and only they are counted
// in Count; NaN and infinities in range are counted in NonFinite.
//
// With x = _step a bucket that lies inside one column is folded in through
// its first, last, smallest and largest finite points; only chunks holding a
// bucket that straddles a column edge or the range edge are decoded (once,
// into the engine's block cache), and of those only the straddling buckets'
// points are visited, through a span of the cached block: of a bucket cut
// once, the few around the cut and those block.Cuts points to.
//
// # Concurrency
//
// An Engine is safe for concurrent use. Each query spreads its series over a
// bounded pool of workers (Options.Workers), so a query over 100 runs never
// starts 100 goroutines; finished answers are kept in a fastcache keyed by
// the request and by every run's Incarnation, WriteGen, LastStep and the
// summaries of the keys it reads, so a write changes the key and misses the
// cache.
// SaveCache and LoadCache keep that cache across a clean restart
// (docs/format/answers.md); LoadCache replaces the cache and must run
// before the first query.
package query
