package wal

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
)

func readAll(t *testing.T, dir string) ([]string, error) {
	t.Helper()
	segs, err := Segments(dir)
	if err != nil {
		t.Fatalf("Segments(%s): %v", dir, err)
	}
	var recs []string
	for _, s := range segs {
		err := Replay(dir, s, func(rec []byte) error {
			recs = append(recs, string(rec))
			return nil
		})
		if err != nil {
			return recs, err
		}
	}
	return recs, nil
}

func TestWriteReplay(t *testing.T) {
	tests := []struct {
		name    string
		maxSize int64
		recs    []string
		segs    int
	}{
		{"one segment", 1 << 20, []string{"a", "bb", "", "ccc"}, 1},
		{"rotating", 20, []string{"0123456789", "abcdefghij", "x", "y"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			l, err := Open(dir, tt.maxSize)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			for _, r := range tt.recs {
				_, ticket, err := l.Write([]byte(r))
				if err != nil {
					t.Fatalf("Write(%q): %v", r, err)
				}
				if err := l.WaitSync(ticket); err != nil {
					t.Fatalf("WaitSync(%d): %v", ticket, err)
				}
			}
			if err := l.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			got, err := readAll(t, dir)
			if err != nil || !slices.Equal(got, tt.recs) {
				t.Errorf("replay = %q, %v; want %q", got, err, tt.recs)
			}
			if segs, _ := Segments(dir); len(segs) != tt.segs {
				t.Errorf("Segments = %v, want %d of them", segs, tt.segs)
			}
		})
	}
}

func TestReplayTornTail(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"first", "second"} {
		if _, _, err := l.Write([]byte(r)); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	path := segmentPath(dir, 1)
	info, _ := os.Stat(path)
	for _, cut := range []int64{1, 3, 8} { // bytes cut off the last frame
		t.Run(fmt.Sprintf("cut %d", cut), func(t *testing.T) {
			if err := os.Truncate(path, info.Size()-cut); err != nil {
				t.Fatal(err)
			}
			got, err := readAll(t, dir)
			if !errors.Is(err, ErrCorrupt) || !slices.Equal(got, []string{"first"}) {
				t.Errorf("replay of torn log = %q, %v; want [first], ErrCorrupt", got, err)
			}
		})
	}
}

func TestOpenStartsNewSegment(t *testing.T) {
	dir := t.TempDir()
	for i := 1; i <= 3; i++ {
		l, err := Open(dir, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if l.Active() != i {
			t.Errorf("Open #%d: Active() = %d, want %d", i, l.Active(), i)
		}
		if i > 1 {
			if err := l.Remove(i - 1); err != nil {
				t.Errorf("Remove(%d): %v", i-1, err)
			}
		}
		l.Close()
	}
	if segs, _ := Segments(dir); !slices.Equal(segs, []int{3}) {
		t.Errorf("Segments = %v, want [3]", segs)
	}
}

func TestRemoveActive(t *testing.T) {
	l, err := Open(t.TempDir(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Remove(l.Active()); err == nil {
		t.Errorf("Remove(active) = nil, want an error")
	}
}

// TestGroupCommit checks that concurrent writers all become durable and
// that they share fsyncs: fewer syncs than writes.
func TestGroupCommit(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	const writers, each = 8, 50
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				_, ticket, err := l.Write([]byte(fmt.Sprintf("%d-%d", w, i)))
				if err == nil {
					err = l.WaitSync(ticket)
				}
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	syncs := l.Syncs()
	l.Close()
	got, err := readAll(t, dir)
	if err != nil || len(got) != writers*each {
		t.Fatalf("replay: %d records, %v; want %d", len(got), err, writers*each)
	}
	if syncs >= writers*each {
		t.Errorf("%d fsyncs for %d writes: no group commit", syncs, writers*each)
	}
}

func TestRepairCutsTornTail(t *testing.T) {
	tests := []struct {
		name    string
		tail    []byte
		removed bool
	}{
		{"partial frame header", []byte{9, 0, 0}, false},
		{"frame shorter than its length", []byte{9, 0, 0, 0, 1, 2, 3, 4, 'a'}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			l, err := Open(dir, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			seg, ticket, err := l.Write([]byte("kept"))
			if err != nil {
				t.Fatal(err)
			}
			if err := l.WaitSync(ticket); err != nil {
				t.Fatal(err)
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			f, err := os.OpenFile(segmentPath(dir, seg), os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Write(tt.tail); err != nil {
				t.Fatal(err)
			}
			f.Close()

			removed, err := Repair(dir, seg)
			if err != nil || removed != tt.removed {
				t.Fatalf("Repair(%d) = %v, %v; want %v, nil", seg, removed, err, tt.removed)
			}
			var got []string
			err = Replay(dir, seg, func(rec []byte) error {
				got = append(got, string(rec))
				return nil
			})
			if err != nil || len(got) != 1 || got[0] != "kept" {
				t.Errorf("Replay after Repair = %q, %v; want [kept], nil", got, err)
			}
		})
	}
}

func TestRepairRemovesSegmentWithTornHeader(t *testing.T) {
	dir := t.TempDir()
	path := segmentPath(dir, 7)
	if err := os.WriteFile(path, []byte("sxw"), 0o644); err != nil {
		t.Fatal(err)
	}
	removed, err := Repair(dir, 7)
	if err != nil || !removed {
		t.Fatalf("Repair of a torn header = %v, %v; want true, nil", removed, err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("segment still there after Repair (stat: %v)", err)
	}
}
