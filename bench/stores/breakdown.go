package stores

import (
	"bytes"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// Breakdown sums the records of a closed Sextant store by key prefix (the
// text up to the second `/`: `e/b` blocks, `e/s` summaries, and so on):
// per prefix the live records, the old versions and tombstones that Badger
// still keeps, and the bytes of their keys and values, so that a size on
// disk can be explained. Key bytes count Badger's 8-byte version too. It
// opens the Badger files read-only.
func Breakdown(dir string) (string, error) {
	opts := badger.DefaultOptions(dir).WithReadOnly(true).WithLogger(nil)
	db, err := badger.Open(opts)
	if err != nil {
		return "", fmt.Errorf("open badger read-only: %w", err)
	}
	defer func() { _ = db.Close() }() // read-only: nothing to lose

	groups := make(map[string]*recordGroup)
	err = db.View(func(txn *badger.Txn) error {
		io := badger.DefaultIteratorOptions
		io.AllVersions, io.PrefetchValues = true, false
		it := txn.NewIterator(io)
		defer it.Close()
		var last []byte
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			p := prefixOf(item.Key())
			g := groups[p]
			if g == nil {
				g = &recordGroup{}
				groups[p] = g
			}
			switch {
			case bytes.Equal(item.Key(), last):
				g.old++
			case item.IsDeletedOrExpired():
				g.deleted++
			default:
				g.live++
			}
			last = item.KeyCopy(last)
			g.keyBytes += int64(len(item.Key()) + 8)
			g.valueBytes += int64(item.ValueSize())
		}
		return nil
	})
	return formatGroups(groups), err
}

// recordGroup is what Breakdown found under one prefix.
type recordGroup struct {
	live, old, deleted   int
	keyBytes, valueBytes int64
}

func formatGroups(groups map[string]*recordGroup) string {
	size := func(k string) int64 { return groups[k].keyBytes + groups[k].valueBytes }
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool { return size(keys[a]) > size(keys[b]) })
	var parts []string
	for _, k := range keys {
		g := groups[k]
		part := fmt.Sprintf("`%s` %.3f MB (keys %.3f, values %.3f) in %d records", k,
			float64(size(k))/1e6, float64(g.keyBytes)/1e6, float64(g.valueBytes)/1e6, g.live)
		if g.old > 0 || g.deleted > 0 {
			part += fmt.Sprintf(" + %d old versions + %d tombstones", g.old, g.deleted)
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, ", ")
}

// prefixOf names the group of a key: its prefix up to the second `/`, and
// for blocks and summaries (e/b/<project>/<run>/<key> 0x00 <step>) whether
// the series is _timestamp, _runtime or a metric.
func prefixOf(k []byte) string {
	s := string(k)
	i := strings.IndexByte(s, '/')
	if i < 0 {
		return s
	}
	j := strings.IndexByte(s[i+1:], '/')
	if j < 0 {
		return s
	}
	p := s[:i+1+j]
	if p != "e/b" && p != "e/s" {
		return p
	}
	series := s[:max(strings.IndexByte(s, 0), 0)]
	for _, reserved := range []string{"/_timestamp", "/_runtime"} {
		if strings.HasSuffix(series, reserved) {
			return p + " " + reserved[1:]
		}
	}
	return p + " metrics"
}

// Files sums the sizes of the files of a store directory by kind: Badger's
// tables (.sst), value log (.vlog), the engine's write-ahead log (wal/) and
// Badger's fixed files (DISCARD, MANIFEST, KEYREGISTRY), each by apparent
// and allocated size, and the blocks of the directories themselves.
func Files(dir string) (string, error) {
	sizes := make(map[string]Usage)
	counts := make(map[string]int)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		kind := filepath.Ext(path)
		switch {
		case d.IsDir():
			kind = "directories"
			sizes[kind] = sizes[kind].Add(Usage{Allocated: fileUsage(info).Allocated})
			counts[kind]++
			return nil
		case strings.Contains(path, "/wal/"):
			kind = "wal/"
		case kind == "":
			kind = d.Name()
		}
		sizes[kind] = sizes[kind].Add(fileUsage(info))
		counts[kind]++
		return nil
	})
	return formatFiles(sizes, counts), err
}

func formatFiles(sizes map[string]Usage, counts map[string]int) string {
	keys := make([]string, 0, len(sizes))
	for k := range sizes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool {
		return sizes[keys[a]].Apparent > sizes[keys[b]].Apparent
	})
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("`%s` %d bytes apparent, %d allocated, in %d files",
			k, sizes[k].Apparent, sizes[k].Allocated, counts[k]))
	}
	return strings.Join(parts, "; ")
}
