package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/sextant-ml/sextant/engine/block"
)

// memBlocks is an in-memory BlockStore that counts its calls, to show that
// the engine reaches block bytes through the interface only.
type memBlocks struct {
	mu   sync.Mutex
	m    map[string][]byte
	gets int
}

func newMemBlocks() *memBlocks { return &memBlocks{m: make(map[string][]byte)} }

func (s *memBlocks) Put(blocks []StoredBlock) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range blocks {
		s.m[b.Key] = bytes.Clone(b.Data)
	}
	return nil
}

func (s *memBlocks) Get(dst []byte, key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gets++
	v, ok := s.m[key]
	if !ok {
		return dst, ErrNotFound
	}
	return append(dst, v...), nil
}

func (s *memBlocks) List(prefix string, fn func(key string) error) error {
	for _, k := range s.keys(prefix) {
		if err := fn(k); err != nil {
			return err
		}
	}
	return nil
}

func (s *memBlocks) Delete(keys []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		delete(s.m, k)
	}
	return nil
}

// keys returns the stored keys under prefix, sorted.
func (s *memBlocks) keys(prefix string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range maps.Keys(s.m) {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func (s *memBlocks) getCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gets
}

// diff returns the keys of a that are not in b.
func diff(a, b []string) []string {
	return slices.DeleteFunc(slices.Clone(a), func(k string) bool { return slices.Contains(b, k) })
}

func TestBadgerBlockStore(t *testing.T) {
	bdb, err := badger.Open(badger.DefaultOptions("").WithInMemory(true).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	s := NewBadgerBlockStore(bdb)

	big := bytes.Repeat([]byte{7}, 800<<10) // 6 of them need two transactions
	var blocks []StoredBlock
	for i := range 6 {
		blocks = append(blocks, StoredBlock{Key: "e/b/p/r1/k\x00" + string(rune('a'+i)), Data: big})
	}
	blocks = append(blocks, StoredBlock{Key: "e/b/p/r10/k\x00a", Data: []byte("other run")})
	if err := s.Put(blocks); err != nil {
		t.Fatalf("Put(%d blocks): %v", len(blocks), err)
	}

	tests := []struct {
		key  string
		want []byte
		err  error
	}{
		{"e/b/p/r1/k\x00a", big, nil},
		{"e/b/p/r10/k\x00a", []byte("other run"), nil},
		{"e/b/p/r1/k\x00z", nil, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got, err := s.Get([]byte("dst:"), tt.key)
			if !errors.Is(err, tt.err) {
				t.Fatalf("Get(%q) error = %v, want %v", tt.key, err, tt.err)
			}
			if want := append([]byte("dst:"), tt.want...); err == nil && !bytes.Equal(got, want) {
				t.Errorf("Get(%q) = %d bytes, want %d appended to dst", tt.key, len(got), len(want))
			}
		})
	}

	list := func(prefix string) []string {
		var keys []string
		err := s.List(prefix, func(k string) error {
			keys = append(keys, k)
			return nil
		})
		if err != nil {
			t.Fatalf("List(%q): %v", prefix, err)
		}
		return keys
	}
	if got := list("e/b/p/r1/"); len(got) != 6 || !slices.IsSorted(got) {
		t.Errorf("List(e/b/p/r1/) = %q, want the 6 keys of r1 sorted", got)
	}

	del := []string{"e/b/p/r1/k\x00a", "e/b/p/r1/k\x00z"} // z is missing: no error
	if err := s.Delete(del); err != nil {
		t.Fatalf("Delete(%q): %v", del, err)
	}
	if _, err := s.Get(nil, del[0]); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(%q) after Delete: %v, want ErrNotFound", del[0], err)
	}
	if got := list("e/b/p/r1/"); len(got) != 5 {
		t.Errorf("List(e/b/p/r1/) after Delete = %d keys, want 5", len(got))
	}

	if err := s.(prefixDropper).DropPrefix("e/b/p/r1/"); err != nil {
		t.Fatalf("DropPrefix: %v", err)
	}
	if got := list("e/b/p/"); !slices.Equal(got, []string{"e/b/p/r10/k\x00a"}) {
		t.Errorf("List(e/b/p/) after DropPrefix(e/b/p/r1/) = %q, want only r10's block", got)
	}
}

// TestEngineUsesBlockStore seals, reads and rewrites blocks through an
// injected BlockStore, and checks that Badger holds none.
func TestEngineUsesBlockStore(t *testing.T) {
	mem := newMemBlocks()
	db := openDB(t, "", Options{HeadMaxPoints: 256, BlockStore: mem})
	newRun(t, db, "p", "r")
	mustAppend(t, db, "p", "r", rowsOf("loss", stepRange(0, 1000), sine))
	if err := db.sealAll(sealAll); err != nil {
		t.Fatalf("sealAll: %v", err)
	}
	prefix := seriesPrefix(prefixBlock, "p", "r", "loss")
	sealed := mem.keys(string(prefix))
	if len(sealed) != 4 {
		t.Fatalf("BlockStore holds %d blocks of loss, want 4", len(sealed))
	}
	if n := countKeys(t, db, []byte(prefixBlock)); n != 0 {
		t.Errorf("Badger holds %d keys under %s, want 0", n, prefixBlock)
	}

	db.cache.reset() // the seal put the blocks there; fetch them
	want := pointsOf(stepRange(0, 1000), sine)
	got, err := db.Read("p", "r", "loss", 0, math.MaxInt64)
	if err != nil || !samePoints(got, want) {
		t.Fatalf("Read = %d points, %v; want the 1000 written", got.Len(), err)
	}
	if mem.getCount() == 0 {
		t.Errorf("Read fetched no block from the BlockStore")
	}

	// A late point rewrites the first block under a new key; the old one
	// goes.
	mustAppend(t, db, "p", "r", rowsOf("loss", []int64{10}, constant(99)))
	if err := db.sealAll(sealAll); err != nil {
		t.Fatalf("sealAll: %v", err)
	}
	after := mem.keys(string(prefix))
	if gone, added := diff(sealed, after), diff(after, sealed); len(gone) != 1 || len(added) != 1 {
		t.Fatalf("rewrite: %d keys gone, %d added; want 1 and 1", len(gone), len(added))
	}
	want.Values[10] = 99
	got, err = db.Read("p", "r", "loss", 0, math.MaxInt64)
	if err != nil || !samePoints(got, want) {
		t.Errorf("Read after rewrite = %d points, %v; want step 10 = 99", got.Len(), err)
	}
}

// TestRetiredBlockOutlivesScan rewrites a block while a Scan holds a view
// of it: the old block stays readable until the Scan ends.
func TestRetiredBlockOutlivesScan(t *testing.T) {
	mem := newMemBlocks()
	db := openDB(t, "", Options{HeadMaxPoints: 256, BlockStore: mem})
	newRun(t, db, "p", "r")
	mustAppend(t, db, "p", "r", rowsOf("loss", stepRange(0, 512), sine))
	prefix := string(seriesPrefix(prefixBlock, "p", "r", "loss"))
	before := mem.keys(prefix)

	first := true
	err := db.Scan("p", "r", "loss", 0, 100, func(c *Chunk) error {
		if !first {
			return nil
		}
		first = false
		mustAppend(t, db, "p", "r", rowsOf("loss", []int64{5}, constant(-1)))
		if err := db.sealAll(sealAll); err != nil {
			t.Fatalf("sealAll inside Scan: %v", err)
		}
		if during := mem.keys(prefix); len(diff(before, during)) != 0 {
			t.Errorf("inside Scan: blocks %q deleted, want them kept", diff(before, during))
		}
		p, err := c.Points()
		if err != nil || !samePoints(p, pointsOf(stepRange(0, 256), sine)) {
			t.Errorf("Points of the old block = %d points, %v; want its 256", p.Len(), err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	after := mem.keys(prefix)
	if len(after) != len(before) || len(diff(before, after)) != 1 {
		t.Errorf("after Scan: blocks %q, was %q; want the rewritten one replaced", after, before)
	}
}

// TestBlockStoreRestart reopens a store whose blocks live in an injected
// BlockStore, rewrites a block sealed before the restart, and deletes the
// run.
func TestBlockStoreRestart(t *testing.T) {
	dir, mem := t.TempDir(), newMemBlocks()
	opts := Options{HeadMaxPoints: 256, BlockStore: mem}
	db := openDB(t, dir, opts)
	newRun(t, db, "p", "r")
	mustAppend(t, db, "p", "r", rowsOf("loss", stepRange(0, 600), sine))
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	db = openDB(t, dir, opts)
	mustAppend(t, db, "p", "r", rowsOf("loss", []int64{300}, constant(7)))
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	db = openDB(t, dir, opts)
	want := pointsOf(stepRange(0, 600), sine)
	want.Values[300] = 7
	got, err := db.Read("p", "r", "loss", 0, math.MaxInt64)
	if err != nil || !samePoints(got, want) {
		t.Errorf("Read after restarts = %d points, %v; want 600 with step 300 = 7", got.Len(), err)
	}
	// 3 blocks each of loss, _timestamp and _runtime.
	if n := len(mem.keys(prefixBlock)); n != 9 {
		t.Errorf("BlockStore holds %d blocks, want 9 (the rewritten one deleted)", n)
	}

	if err := db.DeleteRun("p", "r"); err != nil {
		t.Fatalf("DeleteRun: %v", err)
	}
	if keys := mem.keys(prefixBlock); len(keys) != 0 {
		t.Errorf("BlockStore after DeleteRun holds %q, want nothing", keys)
	}
}

// TestSummaryVersions reads summary values of both versions: version 1
// names a block key without id.
func TestSummaryVersions(t *testing.T) {
	steps, values := []int64{3, 4, 9}, []float64{1, 2, 3}
	st, pyr := block.Summarize(steps, values)
	v1 := binary.LittleEndian.AppendUint64([]byte{summaryVersionV1}, 42)
	v1 = block.AppendSummary(v1, st, pyr)
	tests := []struct {
		name  string
		value []byte
		want  blockRef
	}{
		{"v1", v1, blockRef{minStep: 3, maxStep: 9, count: 3, hash: 42}},
		{"v2", encodeSummaryValue(blockRef{hash: 42, id: 5}, st, pyr),
			blockRef{minStep: 3, maxStep: 9, count: 3, hash: 42, id: 5}},
	}
	rs := &runState{project: "p", id: "r"}
	base := string(seriesKey(prefixBlock, "p", "r", "k", 3))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref, _, _, err := decodeSummaryValue(tt.value)
			if err != nil || ref != tt.want {
				t.Fatalf("decodeSummaryValue = %+v, %v; want %+v", ref, err, tt.want)
			}
			key := blockKey(rs, "k", ref)
			if wantLen := len(base) + 8*min(int(ref.id), 1); key[:len(base)] != base ||
				len(key) != wantLen {
				t.Errorf("blockKey(%+v) = %q, want %q plus the id if any", ref, key, base)
			}
		})
	}
	if _, _, _, err := decodeSummaryValue([]byte{9, 1, 2}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("decodeSummaryValue(version 9) error = %v, want ErrCorrupt", err)
	}
}
