package stores

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/parquet-go/parquet-go"

	"github.com/sextant-ml/sextant/bench/workload"
)

// ParquetName names the Parquet peer.
const ParquetName = "Parquet, zstd"

// parquetPoint is a row of the Parquet file: one point, run and key
// dictionary-encoded, step delta-encoded, every column zstd-compressed.
type parquetPoint struct {
	Run   string  `parquet:"run,dict"`
	Key   string  `parquet:"key,dict"`
	Step  int64   `parquet:"step,delta"`
	Value float64 `parquet:"value"`
}

// parquetFile appends every batch to one Parquet file, each batch's points
// ordered by key then step, in row groups of a million rows. Nothing is
// durable before Close writes the footer: Parquet is a format for finished
// data, shown here for its size.
type parquetFile struct {
	f  *os.File
	mu sync.Mutex
	w  *parquet.GenericWriter[parquetPoint]
}

// OpenParquet opens the Parquet peer in dir/metrics.parquet.
func OpenParquet(dir string) (Store, error) {
	f, err := os.Create(filepath.Join(dir, "metrics.parquet"))
	if err != nil {
		return nil, fmt.Errorf("create parquet file: %w", err)
	}
	w := parquet.NewGenericWriter[parquetPoint](f,
		parquet.Compression(&parquet.Zstd), parquet.MaxRowsPerRowGroup(1<<20))
	return &parquetFile{f: f, w: w}, nil
}

func (s *parquetFile) Name() string { return ParquetName }

func (s *parquetFile) CreateRuns([]string) error { return nil }

func (s *parquetFile) Append(b workload.Batch) error {
	points := make([]parquetPoint, 0, b.Points())
	for _, row := range b.Rows {
		for i, key := range row.Keys {
			points = append(points, parquetPoint{b.Run, key, row.Step, row.Values[i]})
		}
	}
	slices.SortStableFunc(points, func(a, b parquetPoint) int { return cmp.Compare(a.Key, b.Key) })

	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.w.Write(points); err != nil {
		return fmt.Errorf("write parquet rows: %w", err)
	}
	return nil
}

func (s *parquetFile) Close() error {
	if err := s.w.Close(); err != nil {
		return errors.Join(fmt.Errorf("close parquet writer: %w", err), s.f.Close())
	}
	return s.f.Close()
}
