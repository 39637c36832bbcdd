package stores

import (
	"context"
	"fmt"
	"sync"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"

	"github.com/sextant-ml/sextant/bench/workload"
)

// PromName names the Prometheus TSDB peer.
const PromName = "Prometheus TSDB"

// prom stores a series per (run, key), labelled run and key, with the step as
// the sample's timestamp: Gorilla XOR values and delta-of-delta timestamps in
// chunks of 120 samples. A committed batch is in the write-ahead log, which
// Prometheus syncs per segment, not per commit. Close compacts the whole head
// into a persistent block first, so that the size measured is that of the
// block format; the log is left as Prometheus leaves it and counted apart.
type prom struct {
	db   *tsdb.DB
	mu   sync.Mutex
	refs map[[2]string]*promSeries
}

type promSeries struct {
	lset labels.Labels
	ref  storage.SeriesRef
}

// OpenProm opens the Prometheus TSDB peer with its default options.
func OpenProm(dir string) (Store, error) {
	db, err := tsdb.Open(dir, nil, nil, tsdb.DefaultOptions(), nil)
	if err != nil {
		return nil, fmt.Errorf("open prometheus tsdb: %w", err)
	}
	return &prom{db: db, refs: make(map[[2]string]*promSeries)}, nil
}

func (s *prom) Name() string { return PromName }

func (s *prom) CreateRuns([]string) error { return nil }

func (s *prom) Append(b workload.Batch) error {
	app := s.db.Appender(context.Background())
	local := make(map[string]*promSeries)
	for _, row := range b.Rows {
		for i, key := range row.Keys {
			ps, ok := local[key]
			if !ok {
				ps = s.series(b.Run, key)
				local[key] = ps
			}
			ref, err := app.Append(ps.ref, ps.lset, row.Step, row.Values[i])
			if err != nil {
				_ = app.Rollback()
				return fmt.Errorf("prometheus append: %w", err)
			}
			ps.ref = ref // refs of a head series never change
		}
	}
	return app.Commit()
}

// series returns the cached labels and reference of (run, key). A series is
// written by one goroutine at a time, since a run's batches come in order.
func (s *prom) series(run, key string) *promSeries {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps, ok := s.refs[[2]string{run, key}]
	if !ok {
		ps = &promSeries{lset: labels.FromStrings("run", run, "key", key)}
		s.refs[[2]string{run, key}] = ps
	}
	return ps
}

// TransientPaths names the write-ahead log and the head's chunk files:
// after Close has compacted the head into a block, they repeat what the
// block holds, and Prometheus deletes them as time moves on.
func (s *prom) TransientPaths() []string { return []string{"wal", "chunks_head"} }

func (s *prom) Close() error {
	head := s.db.Head()
	if head.NumSeries() > 0 {
		rh := tsdb.NewRangeHead(head, head.MinTime(), head.MaxTime())
		if err := s.db.CompactHead(rh); err != nil {
			return fmt.Errorf("prometheus compact: %w", err)
		}
	}
	return s.db.Close()
}
