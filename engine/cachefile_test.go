package engine

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/sextant-ml/sextant/engine/block"
)

// chunkView is what a reader sees of a chunk: its summary and its points.
type chunkView struct {
	Stats                    block.Stats
	Pyramid, Coarse          []block.Bucket
	Extremes, CoarseExtremes []Extreme
	Steps                    []int64
	Values                   []uint64 // bits, so that NaN equals NaN
}

// chunkViews scans a whole series and copies what each chunk shows.
func chunkViews(t *testing.T, db *DB, run, key string) []chunkView {
	t.Helper()
	var out []chunkView
	err := db.Scan("p", run, key, math.MinInt64, math.MaxInt64, func(c *Chunk) error {
		p, err := c.Points()
		if err != nil {
			return err
		}
		v := chunkView{Stats: c.Stats, Steps: p.Steps,
			Pyramid:        append([]block.Bucket(nil), c.Pyramid...),
			Coarse:         append([]block.Bucket(nil), c.Coarse...),
			Extremes:       append([]Extreme(nil), c.Extremes...),
			CoarseExtremes: append([]Extreme(nil), c.CoarseExtremes...)}
		for _, x := range p.Values {
			v.Values = append(v.Values, math.Float64bits(x))
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		t.Fatalf("Scan(%s, %s): %v", run, key, err)
	}
	return out
}

// buildCuts has the block cache build the Cuts of every block of a
// series: it builds a block's table at its second ask.
func buildCuts(t *testing.T, db *DB, run, key string) {
	t.Helper()
	err := db.Scan("p", run, key, math.MinInt64, math.MaxInt64, func(c *Chunk) error {
		if _, err := c.Cuts(); err != nil {
			return err
		}
		_, err := c.Again().Cuts()
		return err
	})
	if err != nil {
		t.Fatalf("Scan(%s, %s): %v", run, key, err)
	}
}

// cachedStore writes two runs of sealed blocks (one evenly stepped with
// NaNs, one with irregular steps), reads them so that the block cache holds
// every block and summary, builds the Cuts of the first run's blocks,
// closes the store and saves the cache. It returns the store's directory,
// the saved file, and what each series showed.
func cachedStore(t *testing.T) (dir, file string, want map[string][]chunkView) {
	t.Helper()
	dir, file = t.TempDir(), filepath.Join(t.TempDir(), "cache", "blocks")
	db, err := Open(Options{Dir: dir, HeadMaxPoints: 1000})
	if err != nil {
		t.Fatal(err)
	}
	newRun(t, db, "p", "even")
	newRun(t, db, "p", "odd")
	mustAppend(t, db, "p", "even", rowsOf("loss", stepRange(0, 3500), func(s int64) float64 {
		if s%777 == 5 {
			return math.NaN()
		}
		return sine(s)
	}))
	var odd []int64
	for s := int64(0); len(odd) < 2500; s += 1 + s%7 {
		odd = append(odd, s)
	}
	mustAppend(t, db, "p", "odd", rowsOf("acc", odd, sine))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	want = map[string][]chunkView{
		"even/loss": chunkViews(t, db, "even", "loss"),
		"odd/acc":   chunkViews(t, db, "odd", "acc"),
	}
	buildCuts(t, db, "even", "loss")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if n, err := db.SaveCache(file); err != nil || n == 0 {
		t.Fatalf("SaveCache = %d, %v", n, err)
	}
	return dir, file, want
}

func TestCacheFileRoundTrip(t *testing.T) {
	dir, file, want := cachedStore(t)

	db := openDB(t, dir, Options{})
	n, err := db.LoadCache(file)
	if err != nil {
		t.Fatalf("LoadCache: %v", err)
	}
	// 4 blocks of "even", 3 of "odd", each a block and a summary.
	if n != 14 {
		t.Errorf("LoadCache put %d entries, want 14", n)
	}
	got := map[string][]chunkView{
		"even/loss": chunkViews(t, db, "even", "loss"),
		"odd/acc":   chunkViews(t, db, "odd", "acc"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("series read from the loaded cache differ from the store's")
	}
	// The Cuts built before the save come back at the first ask; those
	// never built are built at the second, as for any block.
	for run, key := range map[string]string{"even": "loss", "odd": "acc"} {
		err := db.Scan("p", run, key, math.MinInt64, math.MaxInt64, func(c *Chunk) error {
			cuts, err := c.Cuts()
			if err != nil {
				return err
			}
			p, err := c.Points()
			if err != nil {
				return err
			}
			switch {
			case run == "even" && !reflect.DeepEqual(cuts, block.AppendCuts(nil, p.Values)):
				t.Errorf("%s: the loaded Cuts of the block at %d (%d of them) differ from "+
					"its values'", run, c.Stats.MinStep, len(cuts))
			case run == "odd" && cuts != nil:
				t.Errorf("%s: the block at %d has Cuts at its first ask", run, c.Stats.MinStep)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	st := db.Stats()
	if st.CacheMisses != 0 || st.SummaryMisses != 0 {
		t.Errorf("after loading the cache: %d block and %d summary misses, want none",
			st.CacheMisses, st.SummaryMisses)
	}
	if st.CacheHits == 0 || st.SummaryHits == 0 {
		t.Errorf("after loading the cache: %d block and %d summary hits", st.CacheHits,
			st.SummaryHits)
	}
}

// A block rewritten after the save has a new hash: the saved entry of the
// old block is never served for it.
func TestCacheFileOutlivedByWrites(t *testing.T) {
	dir, file, _ := cachedStore(t)

	db, err := Open(Options{Dir: dir, HeadMaxPoints: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// Overwrite steps inside the first block of "even", and delete "odd".
	mustAppend(t, db, "p", "even", rowsOf("loss", stepRange(100, 200), constant(-7)))
	if err := db.DeleteRun("p", "odd"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openDB(t, dir, Options{})
	if _, err := db.LoadCache(file); err != nil {
		t.Fatalf("LoadCache: %v", err)
	}
	p, err := db.Read("p", "even", "loss", 0, 3499)
	if err != nil {
		t.Fatal(err)
	}
	if p.Len() != 3500 {
		t.Fatalf("read %d points, want 3500", p.Len())
	}
	for i, s := range p.Steps {
		if s >= 100 && s < 200 && p.Values[i] != -7 {
			t.Fatalf("step %d reads %v from the saved cache, want the rewrite's -7", s,
				p.Values[i])
		}
	}
	if _, err := db.Read("p", "odd", "acc", 0, 1<<40); !errors.Is(err, ErrNotFound) {
		t.Errorf("reading a run deleted after the save: %v, want ErrNotFound", err)
	}
}

func TestCacheFileUnusable(t *testing.T) {
	_, file, _ := cachedStore(t)
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(at int) []byte {
		b := append([]byte(nil), good...)
		b[at] ^= 0x40
		return b
	}
	cases := map[string][]byte{
		"empty":         {},
		"truncated":     good[:len(good)-1],
		"short":         good[:30],
		"version":       flip(8),
		"layout":        flip(12),
		"value byte":    flip(cacheHeaderBytes + 3),
		"index byte":    flip(len(good) - cacheTrailerBytes - 5),
		"index offset":  flip(len(good) - cacheTrailerBytes),
		"entries":       flip(len(good) - cacheTrailerBytes + 8),
		"trailer magic": flip(len(good) - 1),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "blocks")
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			db := openDB(t, "", Options{})
			n, err := db.LoadCache(path)
			if !errors.Is(err, ErrCacheFile) || n != 0 {
				t.Errorf("LoadCache = %d, %v; want 0, ErrCacheFile", n, err)
			}
			if _, entries, _ := db.cache.usage(); entries != 0 {
				t.Errorf("the cache holds %d entries after a failed load", entries)
			}
		})
	}

	db := openDB(t, "", Options{})
	if _, err := db.LoadCache(filepath.Join(t.TempDir(), "none")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadCache of a missing file: %v, want os.ErrNotExist", err)
	}
}

// A save that fails leaves the file saved before in place.
func TestCacheFileSaveKeepsOldOnError(t *testing.T) {
	_, file, _ := cachedStore(t)
	before, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// The temporary file cannot be created where a directory stands.
	if err := os.Mkdir(file+".tmp", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(file+".tmp", "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	db := openDB(t, "", Options{})
	if _, err := db.SaveCache(file); err == nil {
		t.Fatal("SaveCache over a directory succeeded")
	}
	after, err := os.ReadFile(file)
	if err != nil || string(after) != string(before) {
		t.Errorf("the saved file changed after a failed save (err %v)", err)
	}
}

// A cache that stored nothing since it was loaded from a file is not
// written again; one that did is.
func TestCacheFileKeptWhenUnchanged(t *testing.T) {
	dir, file, _ := cachedStore(t)
	before, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	resave := func(read func(db *DB)) int64 {
		t.Helper()
		db, err := Open(Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.LoadCache(file); err != nil {
			t.Fatal(err)
		}
		read(db)
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		n, err := db.SaveCache(file)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	if n := resave(func(db *DB) { chunkViews(t, db, "even", "loss") }); n != 0 {
		t.Errorf("SaveCache wrote %d bytes after reads the file answered, want 0", n)
	}
	if after, err := os.ReadFile(file); err != nil || string(after) != string(before) {
		t.Errorf("the file changed (err %v)", err)
	}

	// Cuts built since the load are worth saving: "odd" had none.
	oddCuts := func(db *DB) { buildCuts(t, db, "odd", "acc") }
	if n := resave(oddCuts); n <= int64(len(before)) {
		t.Errorf("SaveCache wrote %d bytes after building Cuts, want more than %d", n,
			len(before))
	}
	if n := resave(oddCuts); n != 0 {
		t.Errorf("SaveCache wrote %d bytes when the file had every Cuts, want 0", n)
	}
	if before, err = os.ReadFile(file); err != nil {
		t.Fatal(err)
	}

	// A block written since is decoded at its first read: a new entry.
	db, err := Open(Options{Dir: dir, HeadMaxPoints: 1000})
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, db, "p", "even", rowsOf("loss", stepRange(3500, 4500), sine))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if n := resave(func(db *DB) { chunkViews(t, db, "even", "loss") }); n <= int64(len(before)) {
		t.Errorf("SaveCache wrote %d bytes after decoding a new block, want more than %d",
			n, len(before))
	}

	// Entries stored before the load are not in the file.
	db = openDB(t, dir, Options{})
	chunkViews(t, db, "odd", "acc")
	if _, err := db.LoadCache(file); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if n, err := db.SaveCache(file); err != nil || n == 0 {
		t.Errorf("SaveCache after reads before the load = %d, %v; want a write", n, err)
	}
}
