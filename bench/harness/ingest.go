// Package harness runs the benchmark's measurements: ingest through a store
// from several writers, its size on disk, chart queries over HTTP, and the
// memory of a process. It only measures; the program in cmd/sextant-bench
// decides what to run and prints the results.
package harness

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/sextant-ml/sextant/bench/stores"
	"github.com/sextant-ml/sextant/bench/workload"
)

// IngestResult is what one store did with one workload.
type IngestResult struct {
	Store  string
	Points int
	// Append is the time from the first batch to the last acknowledgement.
	Append time.Duration
	// CPU is the CPU time (user and system) this process used meanwhile,
	// the store's background work included; zero where unknown.
	CPU time.Duration
	// Close is the time Close took to seal, compact and flush.
	Close time.Duration
	// Bytes is the apparent size on disk after Close (the sum of file
	// lengths), without the store's transient files; Total counts them
	// too. Alloc and AllocTotal are the same by allocated blocks, as `du`
	// counts them: sparse files count less, small files a whole block.
	Bytes, Total      int64
	Alloc, AllocTotal int64
	// Dir is the store's directory, kept when Ingest was asked to.
	Dir string
	// Err, when set, says why the store has no figures.
	Err error
}

// Rate returns points acknowledged per second of Append.
func (r IngestResult) Rate() float64 { return float64(r.Points) / r.Append.Seconds() }

// CPUPerPoint returns the CPU time per point, or zero when unknown.
func (r IngestResult) CPUPerPoint() time.Duration {
	if r.Points == 0 {
		return 0
	}
	return r.CPU / time.Duration(r.Points)
}

// BytesPerPoint returns the size on disk per point.
func (r IngestResult) BytesPerPoint() float64 { return float64(r.Bytes) / float64(r.Points) }

// Plan splits runs over writers: each writer owns whole runs and sends their
// batches interleaved, one batch of each of its runs in turn, as several
// training scripts logging at once would.
func Plan(runs [][]workload.Batch, writers int) [][]workload.Batch {
	owned := make([][][]workload.Batch, writers)
	for i, r := range runs {
		owned[i%writers] = append(owned[i%writers], r)
	}
	plan := make([][]workload.Batch, writers)
	for w, mine := range owned {
		for i := 0; ; i++ {
			sent := false
			for _, r := range mine {
				if i < len(r) {
					plan[w] = append(plan[w], r[i])
					sent = true
				}
			}
			if !sent {
				break
			}
		}
	}
	return plan
}

// Ingest opens a store in a new directory under parent, feeds it the plan
// (one goroutine per writer), closes it and measures its directory. The
// directory is removed afterwards unless keep is set.
func Ingest(open stores.Opener, parent string, runIDs []string,
	plan [][]workload.Batch, keep bool) (res IngestResult) {
	res.Store = open.Name
	dir, err := os.MkdirTemp(parent, "ingest-")
	if err != nil {
		res.Err = err
		return res
	}
	if keep {
		res.Dir = dir
	} else {
		defer func() { _ = os.RemoveAll(dir) }() // a temporary directory
	}
	defer func() {
		if p := recover(); p != nil {
			res.Err = fmt.Errorf("%s panicked: %v", open.Name, p)
		}
	}()
	res.Err = ingest(open, dir, runIDs, plan, &res)
	return res
}

func ingest(open stores.Opener, dir string, runIDs []string,
	plan [][]workload.Batch, res *IngestResult) error {
	s, err := open.Open(dir)
	if err != nil {
		return err
	}
	if err := s.CreateRuns(runIDs); err != nil {
		return errors.Join(err, s.Close())
	}

	start, cpu := time.Now(), ProcCPU(os.Getpid())
	if err := feed(s, plan); err != nil {
		return errors.Join(err, s.Close())
	}
	res.Append = time.Since(start)
	if cpu > 0 {
		res.CPU = ProcCPU(os.Getpid()) - cpu
	}
	for _, batches := range plan {
		for _, b := range batches {
			res.Points += b.Points()
		}
	}

	start = time.Now()
	if err := s.Close(); err != nil {
		return fmt.Errorf("close %s: %w", open.Name, err)
	}
	res.Close = time.Since(start)
	return measure(s, dir, res)
}

func measure(s stores.Store, dir string, res *IngestResult) error {
	total, err := stores.DirUsage(dir)
	if err != nil {
		return err
	}
	kept := total
	if t, ok := s.(stores.Transient); ok {
		for _, p := range t.TransientPaths() {
			u, err := stores.DirUsage(filepath.Join(dir, p))
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			kept = kept.Sub(u)
		}
	}
	res.Total, res.AllocTotal = total.Apparent, total.Allocated
	res.Bytes, res.Alloc = kept.Apparent, kept.Allocated
	return nil
}

// feed sends each writer's batches from its own goroutine and returns the
// first error.
func feed(s stores.Store, plan [][]workload.Batch) error {
	var wg sync.WaitGroup
	errs := make([]error, len(plan))
	for w, batches := range plan {
		wg.Go(func() {
			for _, b := range batches {
				if err := s.Append(b); err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
