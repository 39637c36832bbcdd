package engine

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
)

// TestConcurrentAppend has writers append to their own runs and to one
// shared run while readers scan, then checks every point arrived once.
func TestConcurrentAppend(t *testing.T) {
	const writers, batches, rows = 4, 20, 50
	dir := t.TempDir()
	db := openDB(t, dir, Options{HeadMaxPoints: 128})
	newRun(t, db, "p", "shared")
	for w := range writers {
		newRun(t, db, "p", fmt.Sprintf("own%d", w))
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := fmt.Sprintf("w%d", w)
			for i := range batches {
				lo := int64(i * rows)
				for _, run := range []string{"shared", fmt.Sprintf("own%d", w)} {
					if _, err := db.Append("p", run, rowsOf(key, stepRange(lo, lo+rows), sine)); err != nil {
						t.Errorf("Append(%s): %v", run, err)
						return
					}
				}
			}
		}()
	}
	var readers sync.WaitGroup
	readers.Add(1)
	go func() {
		defer readers.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			for w := range writers {
				err := db.Scan("p", "shared", fmt.Sprintf("w%d", w), 0, math.MaxInt64,
					func(c *Chunk) error { _, err := c.Points(); return err })
				if err != nil && !isNotFound(err) {
					t.Errorf("Scan: %v", err)
				}
			}
			db.Runs("p")
		}
	}()
	wg.Wait()
	close(stop)
	readers.Wait()

	want := pointsOf(stepRange(0, batches*rows), sine)
	check := func(when string) {
		for w := range writers {
			for _, run := range []string{"shared", fmt.Sprintf("own%d", w)} {
				got, err := db.Read("p", run, fmt.Sprintf("w%d", w), 0, math.MaxInt64)
				if err != nil || !samePoints(got, want) {
					t.Errorf("%s: Read(%s, w%d) = %d points, %v; want %d",
						when, run, w, got.Len(), err, want.Len())
				}
			}
		}
	}
	check("after appends")
	db.Close()
	db = openDB(t, dir, Options{HeadMaxPoints: 128})
	check("after restart")
	if r, _ := db.Run("p", "shared"); r.LastStep != batches*rows-1 {
		t.Errorf("shared run: last step %d, want %d", r.LastStep, batches*rows-1)
	}
}

// TestConcurrentAutoSteps has writers append rows without steps to one
// run: every row must get its own step.
func TestConcurrentAutoSteps(t *testing.T) {
	const writers, batches = 4, 25
	db := openDB(t, "", Options{HeadMaxPoints: 64})
	newRun(t, db, "p", "r")
	var wg sync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range batches {
				rows := []Row{{Step: -1, Time: math.NaN(), Metrics: []Metric{{"x", 1}}},
					{Step: -1, Time: math.NaN(), Metrics: []Metric{{"x", 2}}}}
				if _, err := db.Append("p", "r", rows); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	got, err := db.Read("p", "r", "x", 0, math.MaxInt64)
	if n := writers * batches * 2; err != nil || !equalSteps(got.Steps, stepRange(0, int64(n))) {
		t.Errorf("Read = %d points (%v), want steps 0..%d each once", got.Len(), err, n-1)
	}
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
