// Package stores puts Sextant and its peers behind one small interface, so
// that a benchmark feeds each the same batches and measures each the same
// way.
//
// A store is opened on an empty directory, told the runs it will receive,
// fed batches from several goroutines at once, then closed; its size on disk
// is measured after Close. Each implementation says in its doc comment how
// durable an acknowledged batch is, since that sets its speed as much as its
// format does.
//
// Peers are embedded as libraries, configured as their own defaults or as
// the product that uses them would (the SQLite table is shaped as MLflow
// shapes it): the point is to compare with what people run, not with a
// tuned straw man.
package stores

import (
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/sextant-ml/sextant/bench/workload"
)

// Store is a metric store under test.
type Store interface {
	// Name is how the store appears in the results table.
	Name() string
	// CreateRuns prepares the runs that batches will name.
	CreateRuns(ids []string) error
	// Append stores a batch. It is called from several goroutines at once.
	Append(b workload.Batch) error
	// Close flushes everything to disk and releases the store.
	Close() error
}

// Transient is implemented by stores that keep, beside their data files,
// files that only protect recent writes and are dropped later in normal
// operation (Prometheus' write-ahead log once its head is compacted).
// Benchmarks report the size with and without them.
type Transient interface {
	// TransientPaths are relative to the store's directory.
	TransientPaths() []string
}

// Opener opens a store on an empty directory.
type Opener struct {
	Name string
	Open func(dir string) (Store, error)
	// Slow marks stores that take minutes where Sextant takes seconds, so
	// that benchmarks may give them a smaller workload.
	Slow bool
}

// All lists Sextant and then its peers, in the order the results table
// shows them.
func All() []Opener {
	return []Opener{
		{Name: SextantName, Open: OpenSextant},
		{Name: PromName, Open: OpenProm},
		{Name: BadgerName, Open: OpenBadgerKV, Slow: true},
		{Name: MLflowName, Open: OpenMLflowSQLite, Slow: true},
		{Name: ParquetName, Open: OpenParquet},
	}
}

// DirSize returns the bytes of every regular file under dir, by their
// apparent size.
func DirSize(dir string) (int64, error) {
	u, err := DirUsage(dir)
	return u.Apparent, err
}

// Usage is the size of files two ways: Apparent is the sum of their lengths
// (what `ls -l` and `du --apparent-size` count), Allocated the disk blocks
// they hold (what `du` counts). A sparse file, such as Badger's DISCARD
// that is preallocated with truncate, has a large apparent size and few
// allocated blocks; a small file still takes a whole block.
type Usage struct {
	Apparent, Allocated int64
}

// Add returns the sum of u and v.
func (u Usage) Add(v Usage) Usage {
	return Usage{u.Apparent + v.Apparent, u.Allocated + v.Allocated}
}

// Sub returns u less v.
func (u Usage) Sub(v Usage) Usage {
	return Usage{u.Apparent - v.Apparent, u.Allocated - v.Allocated}
}

// DirUsage returns the apparent size of every regular file under dir, and
// the blocks allocated to them and to the directories, dir included, as
// `du` counts them.
func DirUsage(dir string) (Usage, error) {
	var u Usage
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch f := fileUsage(info); {
		case info.Mode().IsRegular():
			u = u.Add(f)
		case info.IsDir():
			u.Allocated += f.Allocated
		}
		return nil
	})
	if err != nil {
		return Usage{}, fmt.Errorf("size of %s: %w", dir, err)
	}
	return u, nil
}
