package server

import "fmt"

// appendEngineStats appends the store's figures and the chart cache's.
func (s *Server) appendEngineStats(b []byte) []byte {
	st := s.db.Stats()
	hits, misses := s.charts.CacheStats()
	figures := []struct {
		name, typ, help string
		v               float64
	}{
		{"sextant_engine_rows_total", "counter", "History rows appended.", float64(st.Rows)},
		{"sextant_engine_points_total", "counter", "Metric points appended.", float64(st.Points)},
		{"sextant_engine_batches_total", "counter", "Append calls that stored rows.",
			float64(st.Batches)},
		{"sextant_engine_wal_bytes_total", "counter", "Bytes of write-ahead records.",
			float64(st.WALBytes)},
		{"sextant_engine_seal_rounds_total", "counter", "Seal rounds that wrote blocks.",
			float64(st.SealRounds)},
		{"sextant_engine_blocks_sealed_total", "counter", "Blocks written.",
			float64(st.BlocksSealed)},
		{"sextant_engine_blocks_rewritten_total", "counter", "Sealed blocks merged again.",
			float64(st.BlocksRewritten)},
		{"sextant_engine_block_bytes_total", "counter", "Encoded bytes of blocks written.",
			float64(st.BlockBytes)},
		{"sextant_engine_orphans_deleted_total", "counter",
			"Blocks that crashes left unnamed, deleted by the sweep after start.",
			float64(st.OrphansDeleted)},
		{"sextant_engine_sweeps_total", "counter",
			"Sweeps of orphaned blocks done (after an unclean shutdown or a failed seal).",
			float64(st.Sweeps)},
		{"sextant_engine_sweep_errors_total", "counter", "Sweeps of orphaned blocks that failed.",
			float64(st.SweepErrors)},
		{"sextant_engine_cache_hits_total", "counter", "Block reads answered by the cache.",
			float64(st.CacheHits)},
		{"sextant_engine_cache_misses_total", "counter", "Block reads that decoded bytes.",
			float64(st.CacheMisses)},
		{"sextant_engine_blocks_cached_total", "counter",
			"Metric blocks put in the block cache as they were sealed.",
			float64(st.BlocksCached)},
		{"sextant_engine_cache_evictions_total", "counter",
			"Decoded blocks and summaries dropped from the block cache for room.",
			float64(st.CacheEvictions)},
		{"sextant_engine_cache_bytes", "gauge", "Bytes held by the block cache.",
			float64(st.CacheBytes)},
		{"sextant_engine_head_points", "gauge", "Points in heads, not sealed yet.",
			float64(st.HeadPoints)},
		{"sextant_engine_runs", "gauge", "Runs in the catalogue.", float64(st.Runs)},
		{"sextant_engine_projects", "gauge", "Projects in the catalogue.", float64(st.Projects)},
		{"sextant_chart_cache_hits_total", "counter", "Chart answers served from the cache.",
			float64(hits)},
		{"sextant_chart_cache_misses_total", "counter", "Chart answers computed.",
			float64(misses)},
	}
	for _, f := range figures {
		b = appendHeader(b, f.name, f.typ, f.help)
		b = fmt.Appendf(b, "%s %g\n", f.name, f.v)
	}
	return b
}
