package query

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sextant-ml/sextant/engine"
)

// openTestDB opens an engine on dir with project p.
func openTestDB(t *testing.T, dir string) *engine.DB {
	t.Helper()
	db, err := engine.Open(engine.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Project("p"); err != nil {
		err = db.CreateProject(engine.Project{Name: "p", Owner: "u", Visibility: "private"})
		if err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// writeLoss appends loss = v[i] at steps 0..len(v)-1 to run id, creating it
// (with created as its start time when not zero) if it does not exist.
func writeLoss(t *testing.T, db *engine.DB, id string, created time.Time, v ...float64) {
	t.Helper()
	if _, err := db.Run("p", id); err != nil {
		if _, err := db.CreateRun(engine.Run{Project: "p", ID: id, Created: created,
			Group: "g", Config: map[string]any{"lr": 0.1}}); err != nil {
			t.Fatal(err)
		}
	}
	rows := make([]engine.Row, len(v))
	for i, x := range v {
		rows[i] = engine.Row{Step: int64(i), Time: float64(1e9 + i),
			Metrics: []engine.Metric{{Key: "loss", Value: x}}}
	}
	if _, err := db.Append("p", id, rows); err != nil {
		t.Fatal(err)
	}
}

func chartJSON(t *testing.T, e *Engine, req ChartRequest) string {
	t.Helper()
	out, err := e.ChartJSON(nil, "p", req)
	if err != nil {
		t.Fatalf("ChartJSON(%+v): %v", req, err)
	}
	return string(out)
}

var testBuild = []byte("build-1")

// TestCacheSaveLoad saves the answers at a clean stop, loads them at the
// next start, serves them, and drops them after a write.
func TestCacheSaveLoad(t *testing.T) {
	dir := t.TempDir()
	cacheDir := filepath.Join(dir, "cache", "answers")
	db := openTestDB(t, filepath.Join(dir, "db"))
	writeLoss(t, db, "a", time.Time{}, 3, 2, 1, 0.5)
	req := ChartRequest{Runs: []string{"a"}, Keys: []string{"loss"}, Width: ptr(10)}
	e := NewEngine(db, Options{})
	before := chartJSON(t, e, req)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.SaveCache(cacheDir, testBuild); err != nil {
		t.Fatalf("SaveCache: %v", err)
	}

	db = openTestDB(t, filepath.Join(dir, "db"))
	defer db.Close()
	e = NewEngine(db, Options{})
	n, err := e.LoadCache(cacheDir, testBuild)
	if err != nil || n == 0 {
		t.Fatalf("LoadCache = %d bytes, %v; want some bytes", n, err)
	}
	if _, err := os.Stat(cacheDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after LoadCache the directory is still there (stat: %v)", err)
	}
	if got := chartJSON(t, e, req); got != before {
		t.Errorf("after the restart: %s\nwant %s", got, before)
	}
	if hits, misses := e.CacheStats(); hits != 1 || misses != 0 {
		t.Errorf("after the restart: %d hits, %d misses; want 1, 0", hits, misses)
	}
	writeLoss(t, db, "a", time.Time{}, 3, 2, 7)
	got := chartJSON(t, e, req)
	want := chartJSON(t, NewEngine(db, Options{CacheBytes: -1}), req)
	if got != want || got == before {
		t.Errorf("after a rewrite: %s\nwant %s", got, want)
	}
}

// TestCacheFileDropped checks that a saved cache that cannot be used is
// removed and leaves the cache empty, and that a missing one is no error.
func TestCacheFileDropped(t *testing.T) {
	stampPath := func(dir string) string { return filepath.Join(dir, "stamp") }
	reseal := func(b []byte) []byte {
		body := b[:len(b)-4]
		return binary.LittleEndian.AppendUint32(body, crc32.Checksum(body, castagnoli))
	}
	tests := []struct {
		name  string
		build []byte
		spoil func(t *testing.T, dir string)
		err   bool
	}{
		{name: "missing", build: testBuild, err: false,
			spoil: func(t *testing.T, dir string) { os.RemoveAll(dir) }},
		{name: "other build", build: []byte("build-2"), err: true,
			spoil: func(*testing.T, string) {}},
		{name: "flipped byte", build: testBuild, err: true,
			spoil: func(t *testing.T, dir string) {
				b, _ := os.ReadFile(stampPath(dir))
				b[3] ^= 1
				os.WriteFile(stampPath(dir), b, 0o644)
			}},
		{name: "other version", build: testBuild, err: true,
			spoil: func(t *testing.T, dir string) {
				b, _ := os.ReadFile(stampPath(dir))
				b[0] = answersFormat + 1
				os.WriteFile(stampPath(dir), reseal(b), 0o644)
			}},
		{name: "saved after now", build: testBuild, err: true,
			spoil: func(t *testing.T, dir string) {
				b, _ := os.ReadFile(stampPath(dir))
				at := time.Now().Add(time.Hour).UnixNano()
				binary.LittleEndian.PutUint64(b[1:], uint64(at))
				os.WriteFile(stampPath(dir), reseal(b), 0o644)
			}},
		{name: "truncated stamp", build: testBuild, err: true,
			spoil: func(t *testing.T, dir string) {
				os.WriteFile(stampPath(dir), []byte{answersFormat}, 0o644)
			}},
		{name: "no stamp", build: testBuild, err: true,
			spoil: func(t *testing.T, dir string) { os.Remove(stampPath(dir)) }},
		{name: "bad metadata", build: testBuild, err: true,
			spoil: func(t *testing.T, dir string) {
				p := filepath.Join(dir, "fastcache", "metadata.bin")
				os.WriteFile(p, []byte{1, 2, 3}, 0o644)
			}},
	}
	src := newMemSource(10)
	src.add("a", "loss", engine.Points{Steps: []int64{0, 1}, Values: []float64{0.5, 2}})
	req := ChartRequest{Runs: []string{"a"}, Keys: []string{"loss"}, Width: ptr(10)}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "answers")
			e := NewEngine(src, Options{})
			chartJSON(t, e, req)
			if err := e.SaveCache(dir, testBuild); err != nil {
				t.Fatal(err)
			}
			tt.spoil(t, dir)

			e = NewEngine(src, Options{})
			n, err := e.LoadCache(dir, tt.build)
			if tt.err && !errors.Is(err, ErrCacheFile) || !tt.err && err != nil || n != 0 {
				t.Errorf("LoadCache = %d, %v; want 0 and an error: %v", n, err, tt.err)
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the directory is still there (stat: %v)", err)
			}
			chartJSON(t, e, req)
			if hits, _ := e.CacheStats(); hits != 0 {
				t.Errorf("%d hits from a dropped cache, want 0", hits)
			}
		})
	}
}

// TestCacheKeyCoversChanges changes the data under a cached answer in
// each way the store allows and checks that the next answer is the one
// computed without a cache.
func TestCacheKeyCoversChanges(t *testing.T) {
	future := time.Now().Add(time.Hour)
	notes, group := "tuned", "h"
	tests := []struct {
		name    string
		created time.Time // of run a
		by      string    // grouping, if any
		change  func(t *testing.T, db *engine.DB)
	}{
		{name: "new point", change: func(t *testing.T, db *engine.DB) {
			writeLoss(t, db, "a", time.Time{}, 3, 2, 1, 0.5, 0.25)
		}},
		{name: "rewritten point", change: func(t *testing.T, db *engine.DB) {
			writeLoss(t, db, "a", time.Time{}, 3, 2.5)
		}},
		// A start time in the future holds the heartbeat still on writes,
		// as a clock set back would.
		{name: "rewritten point, start in the future", created: future,
			change: func(t *testing.T, db *engine.DB) {
				writeLoss(t, db, "a", future, 3, 2.5)
			}},
		{name: "run deleted", change: func(t *testing.T, db *engine.DB) {
			if err := db.DeleteRun("p", "b"); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "run deleted and written again", change: func(t *testing.T, db *engine.DB) {
			if err := db.DeleteRun("p", "a"); err != nil {
				t.Fatal(err)
			}
			writeLoss(t, db, "a", time.Time{}, 3, 2.5, 1, 0.5)
		}},
		{name: "group changed", by: "group", change: func(t *testing.T, db *engine.DB) {
			_, err := db.UpdateRun("p", "a", engine.RunPatch{Group: &group})
			if err != nil {
				t.Fatal(err)
			}
		}},
		{name: "notes changed", by: "notes", change: func(t *testing.T, db *engine.DB) {
			_, err := db.UpdateRun("p", "a", engine.RunPatch{Notes: &notes})
			if err != nil {
				t.Fatal(err)
			}
		}},
		{name: "config changed", by: "config.lr", change: func(t *testing.T, db *engine.DB) {
			_, err := db.UpdateRun("p", "a", engine.RunPatch{Config: map[string]any{"lr": 1}})
			if err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTestDB(t, t.TempDir())
			defer db.Close()
			writeLoss(t, db, "a", tt.created, 3, 2, 1, 0.5)
			writeLoss(t, db, "b", time.Time{}, 4, 3, 2, 1)
			req := ChartRequest{Filter: "", Keys: []string{"loss"}, Width: ptr(10)}
			if tt.by != "" {
				req.Grouping = &Grouping{By: tt.by}
			}
			e := NewEngine(db, Options{})
			before := chartJSON(t, e, req)
			chartJSON(t, e, req)
			if hits, _ := e.CacheStats(); hits != 1 {
				t.Errorf("second query: %d hits, want 1", hits)
			}
			tt.change(t, db)

			got := chartJSON(t, e, req)
			want := chartJSON(t, NewEngine(db, Options{CacheBytes: -1}), req)
			if got != want {
				t.Errorf("after the change: %s\nwant %s", got, want)
			}
			if got == before {
				t.Errorf("the change left the answer as it was: %s", got)
			}
		})
	}
}

// TestCacheClockBehindHeartbeat rewrites a point while the clock is behind
// the run's heartbeat, so that the heartbeat stays where it was, and the
// last step and summaries too, once in the cache in memory and once in the
// cache saved at a clean stop and loaded at the next start: neither may
// serve the old answer.
func TestCacheClockBehindHeartbeat(t *testing.T) {
	future := time.Now().Add(time.Hour)
	dir := t.TempDir()
	cacheDir := filepath.Join(dir, "cache", "answers")
	db := openTestDB(t, filepath.Join(dir, "db"))
	writeLoss(t, db, "a", future, 3, 2, 1, 0.5)
	req := ChartRequest{Runs: []string{"a"}, Keys: []string{"loss"}, Width: ptr(10)}
	rewrite := func(e *Engine, v float64, step string) {
		t.Helper()
		old, _ := db.Run("p", "a")
		before := chartJSON(t, e, req)
		writeLoss(t, db, "a", future, 3, v)
		r, _ := db.Run("p", "a")
		if !r.Heartbeat.Equal(old.Heartbeat) || r.LastStep != old.LastStep ||
			r.Summary["loss"] != old.Summary["loss"] {
			t.Fatalf("%s: the rewrite moved the heartbeat, last step or summary", step)
		}
		got := chartJSON(t, e, req)
		want := chartJSON(t, NewEngine(db, Options{CacheBytes: -1}), req)
		if got != want || got == before {
			t.Errorf("%s: after a rewrite %s\nwant %s", step, got, want)
		}
	}

	e := NewEngine(db, Options{})
	chartJSON(t, e, req)
	chartJSON(t, e, req)
	if hits, _ := e.CacheStats(); hits != 1 {
		t.Errorf("a run with a heartbeat ahead of the clock: %d hits, want 1", hits)
	}
	rewrite(e, 2.5, "in memory")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.SaveCache(cacheDir, testBuild); err != nil {
		t.Fatal(err)
	}

	db = openTestDB(t, filepath.Join(dir, "db"))
	defer db.Close()
	e = NewEngine(db, Options{})
	if _, err := e.LoadCache(cacheDir, testBuild); err != nil {
		t.Fatal(err)
	}
	chartJSON(t, e, req)
	if hits, misses := e.CacheStats(); hits != 1 || misses != 0 {
		t.Errorf("after the restart: %d hits, %d misses; want 1, 0", hits, misses)
	}
	rewrite(e, 1.5, "after the restart")
}

// TestStampBytes pins the stamp file's bytes, after a non-empty prefix.
func TestStampBytes(t *testing.T) {
	e := NewEngine(newMemSource(10), Options{MaxRawPoints: 300})
	at := time.Unix(0, 0x0102030405060708)
	got := e.appendStamp([]byte{0xff}, []byte("ab"), at)
	want := []byte{0xff,
		answersFormat,
		0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, // saved at
		5,        // stamp length
		'a', 'b', // build
		cacheVersion, // answer encoding and key shape
		0xac, 0x02,   // MaxRawPoints 300, uvarint
	}
	want = binary.LittleEndian.AppendUint32(want, crc32.Checksum(want[1:], castagnoli))
	if string(got) != string(want) {
		t.Errorf("appendStamp = % x\nwant          % x", got, want)
	}
	if err := e.checkStamp(got[1:], []byte("ab"), at.Add(time.Second)); err != nil {
		t.Errorf("checkStamp of its own bytes: %v", err)
	}
}

// TestArrowAnswersCached checks that an Arrow answer is cached apart from
// the JSON answer of the same request, served again byte for byte, and not
// served once a run has a new point.
func TestArrowAnswersCached(t *testing.T) {
	db := openTestDB(t, t.TempDir())
	defer db.Close()
	writeLoss(t, db, "a", time.Time{}, 3, 2, 1, 0.5)
	req := ChartRequest{Keys: []string{"loss"}, Width: ptr(10)}
	e := NewEngine(db, Options{})

	json1, err := e.ChartJSON(nil, "p", req)
	if err != nil {
		t.Fatal(err)
	}
	arrow1, err := e.ChartArrow(nil, "p", req)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(json1, arrow1) || bytes.HasPrefix(arrow1, []byte("{")) {
		t.Fatalf("the Arrow query was answered with the JSON answer: %.80q", arrow1)
	}
	arrow2, err := e.ChartArrow([]byte("prefix"), "p", req)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(arrow2, append([]byte("prefix"), arrow1...)) {
		t.Error("the cached Arrow answer differs from the first, or lost dst")
	}
	if hits, misses := e.CacheStats(); hits != 1 || misses != 2 {
		t.Errorf("hits, misses = %d, %d; want 1, 2 (JSON and Arrow computed, Arrow served)",
			hits, misses)
	}

	writeLoss(t, db, "a", time.Time{}, 3, 2, 1, 0.5, 0.25)
	arrow3, err := e.ChartArrow(nil, "p", req)
	if err != nil {
		t.Fatal(err)
	}
	want, err := NewEngine(db, Options{CacheBytes: -1}).ChartArrow(nil, "p", req)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(arrow3, want) || bytes.Equal(arrow3, arrow1) {
		t.Error("after a new point the Arrow answer is not the new one")
	}
}
