package engine

import "sync/atomic"

// Stats are the engine's counters since Open, for monitoring. Counters
// only grow; HeadPoints, Runs and Projects are current levels.
type Stats struct {
	Rows            uint64 // history rows appended
	Points          uint64 // metric points appended, without _timestamp and _runtime
	Batches         uint64 // Append calls that stored rows
	WALBytes        uint64 // bytes of write-ahead records written
	WALSyncs        uint64 // fsyncs of the log: fewer than Batches under load
	SealRounds      uint64 // seal rounds that wrote blocks
	BlocksSealed    uint64 // blocks written, rewrites included
	BlocksRewritten uint64 // sealed blocks merged with late points or a small tail
	BlockBytes      uint64 // encoded bytes of the blocks written
	BlocksDeleted   uint64 // retired and orphaned blocks deleted from the BlockStore
	OrphansDeleted  uint64 // blocks that crashes left unnamed, deleted by SweepOrphans
	Sweeps          uint64 // sweeps of orphaned blocks done
	SweepErrors     uint64 // sweeps of orphaned blocks that failed
	CacheHits       uint64 // block reads answered by the cache
	CacheMisses     uint64 // block reads that decoded stored bytes
	BlocksCached    uint64 // blocks put in the cache as they were sealed
	SummaryHits     uint64 // block summaries answered by the cache
	SummaryMisses   uint64 // block summaries read from Badger and decoded
	CacheEvictions  uint64 // decoded blocks and summaries the cache dropped for room
	CacheBytes      int64  // bytes the block cache holds now
	HeadPoints      int64  // points in heads, not sealed yet
	Runs            int64
	Projects        int64
}

type counters struct {
	rows, points, batches, walBytes           atomic.Uint64
	sealRounds, blocksSealed, blocksRewritten atomic.Uint64
	blockBytes, cacheHits, cacheMisses        atomic.Uint64
	summaryHits, summaryMisses, blocksDeleted atomic.Uint64
	orphansDeleted, sweeps, sweepErrors       atomic.Uint64
	blocksCached                              atomic.Uint64
	headPoints, runs                          atomic.Int64
}

func (c *counters) appended(rows, points, walBytes int) {
	c.rows.Add(uint64(rows))
	c.points.Add(uint64(points))
	c.batches.Add(1)
	c.walBytes.Add(uint64(walBytes))
}

// Stats returns the engine's counters.
func (db *DB) Stats() Stats {
	c := &db.stats
	db.mu.RLock()
	projects := len(db.projects)
	db.mu.RUnlock()
	cacheBytes, _, evicted := db.cache.usage()
	return Stats{
		Rows:            c.rows.Load(),
		Points:          c.points.Load(),
		Batches:         c.batches.Load(),
		WALBytes:        c.walBytes.Load(),
		WALSyncs:        db.walSyncs(),
		SealRounds:      c.sealRounds.Load(),
		BlocksSealed:    c.blocksSealed.Load(),
		BlocksRewritten: c.blocksRewritten.Load(),
		BlockBytes:      c.blockBytes.Load(),
		BlocksDeleted:   c.blocksDeleted.Load(),
		OrphansDeleted:  c.orphansDeleted.Load(),
		Sweeps:          c.sweeps.Load(),
		SweepErrors:     c.sweepErrors.Load(),
		CacheHits:       c.cacheHits.Load(),
		CacheMisses:     c.cacheMisses.Load(),
		BlocksCached:    c.blocksCached.Load(),
		SummaryHits:     c.summaryHits.Load(),
		SummaryMisses:   c.summaryMisses.Load(),
		CacheEvictions:  evicted,
		CacheBytes:      int64(cacheBytes),
		HeadPoints:      c.headPoints.Load(),
		Runs:            c.runs.Load(),
		Projects:        int64(projects),
	}
}

func (db *DB) walSyncs() uint64 {
	if db.log == nil {
		return 0
	}
	return db.log.Syncs()
}
