package engine

import (
	"math"
	"testing"

	"github.com/sextant-ml/sextant/engine/block"
)

// scanAll returns the chunks Scan hands out, with their points.
func scanAll(t *testing.T, db *DB, key string, lo, hi int64) ([]*Chunk, []Points) {
	t.Helper()
	var chunks []*Chunk
	var pts []Points
	err := db.Scan("p", "r", key, lo, hi, func(c *Chunk) error {
		p, err := c.Points()
		chunks, pts = append(chunks, c), append(pts, p)
		return err
	})
	if err != nil {
		t.Fatalf("Scan(%s, %d, %d): %v", key, lo, hi, err)
	}
	return chunks, pts
}

func TestScanChunks(t *testing.T) {
	tests := []struct {
		name   string
		writes [][]int64
		lo, hi int64
		want   []int64 // steps Read returns
	}{
		{"all", [][]int64{stepRange(0, 100)}, 0, math.MaxInt64, stepRange(0, 100)},
		{"middle", [][]int64{stepRange(0, 100)}, 30, 49, stepRange(30, 50)},
		{"one step", [][]int64{stepRange(0, 100)}, 64, 64, []int64{64}},
		{"beyond", [][]int64{stepRange(0, 100)}, 200, 300, nil},
		{"empty range", [][]int64{stepRange(0, 100)}, 50, 40, nil},
		{"patches in range", [][]int64{stepRange(0, 100), {5, 40, 41, 99}}, 35, 45,
			stepRange(35, 46)},
		{"patch in a gap", [][]int64{stepRange(0, 16), stepRange(32, 100), stepRange(16, 20)},
			10, 40, append(stepRange(10, 20), stepRange(32, 41)...)},
		{"patch before every block", [][]int64{stepRange(50, 100), {3}}, 0, 60,
			append([]int64{3}, stepRange(50, 61)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openDB(t, "", Options{HeadMaxPoints: 16})
			newRun(t, db, "p", "r")
			for i, steps := range tt.writes {
				mustAppend(t, db, "p", "r", rowsOf("x", steps, func(s int64) float64 {
					return float64(s) + float64(i)/10
				}))
			}
			chunks, pts := scanAll(t, db, "x", tt.lo, tt.hi)
			checkChunks(t, chunks, pts)
			got, err := db.Read("p", "r", "x", tt.lo, tt.hi)
			if err != nil || !equalSteps(got.Steps, tt.want) {
				t.Errorf("Read(x, %d, %d) = %v, %v; want steps %v", tt.lo, tt.hi, got.Steps, err, tt.want)
			}
		})
	}
}

// checkChunks asserts what Scan promises: chunks in increasing step, never
// overlapping, each with statistics and pyramid matching its points.
func checkChunks(t *testing.T, chunks []*Chunk, pts []Points) {
	t.Helper()
	last := int64(-1)
	for i, c := range chunks {
		p := pts[i]
		if p.Len() == 0 {
			t.Errorf("chunk %d is empty", i)
			continue
		}
		if p.Steps[0] <= last {
			t.Errorf("chunk %d starts at step %d, at or before the previous end %d", i, p.Steps[0], last)
		}
		for j := 1; j < p.Len(); j++ {
			if p.Steps[j] <= p.Steps[j-1] {
				t.Errorf("chunk %d: step %d after %d", i, p.Steps[j], p.Steps[j-1])
			}
		}
		last = p.Steps[p.Len()-1]
		st, pyr := block.Summarize(p.Steps, p.Values)
		if c.Stats != st || len(c.Pyramid) != len(pyr) {
			t.Errorf("chunk %d: stats %+v with %d buckets, its points give %+v with %d",
				i, c.Stats, len(c.Pyramid), st, len(pyr))
		}
	}
}

func TestScanReadsSummariesOnly(t *testing.T) {
	db := openDB(t, "", Options{HeadMaxPoints: 64})
	newRun(t, db, "p", "r")
	mustAppend(t, db, "p", "r", rowsOf("x", stepRange(0, 640), sine))
	if err := db.sealAll(sealAll); err != nil {
		t.Fatal(err)
	}
	db.cache.reset()
	n := 0
	err := db.Scan("p", "r", "x", 0, math.MaxInt64, func(c *Chunk) error {
		n++
		if c.Pyramid == nil || c.Stats.Count != 64 {
			t.Errorf("chunk %d: stats %+v, pyramid %v; want a sealed block of 64", n, c.Stats, c.Pyramid)
		}
		return nil
	})
	s := db.Stats()
	if err != nil || n != 10 || s.CacheHits+s.CacheMisses != 0 {
		t.Errorf("Scan: %d chunks, %d block reads, %v; want 10 chunks and no block read",
			n, s.CacheHits+s.CacheMisses, err)
	}
	for range 2 {
		if _, err := db.Read("p", "r", "x", 0, 100); err != nil {
			t.Fatal(err)
		}
	}
	if s := db.Stats(); s.CacheMisses != 2 || s.CacheHits != 2 {
		t.Errorf("two Reads of 2 blocks: %d misses, %d hits; want 2 and 2", s.CacheMisses, s.CacheHits)
	}
}
