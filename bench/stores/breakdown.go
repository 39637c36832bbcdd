package stores

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// Breakdown sums the stored size of a closed Sextant store's records by key
// prefix (the text up to the second `/`: `e/b` blocks, `e/s` summaries, and
// so on), every version and tombstone included, so that a size on disk can
// be explained. It opens the Badger files read-only.
func Breakdown(dir string) (string, error) {
	opts := badger.DefaultOptions(dir).WithReadOnly(true).WithLogger(nil)
	db, err := badger.Open(opts)
	if err != nil {
		return "", fmt.Errorf("open badger read-only: %w", err)
	}
	defer db.Close()

	sizes := make(map[string]int64)
	counts := make(map[string]int)
	err = db.View(func(txn *badger.Txn) error {
		io := badger.DefaultIteratorOptions
		io.AllVersions, io.PrefetchValues = true, false
		it := txn.NewIterator(io)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			p := prefixOf(it.Item().Key())
			sizes[p] += it.Item().EstimatedSize()
			counts[p]++
		}
		return nil
	})
	return formatBreakdown(sizes, counts, "records"), err
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
// Badger's fixed files (DISCARD, MANIFEST, KEYREGISTRY).
func Files(dir string) (string, error) {
	sizes := make(map[string]int64)
	counts := make(map[string]int)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		kind := filepath.Ext(path)
		switch {
		case strings.Contains(path, "/wal/"):
			kind = "wal/"
		case kind == "":
			kind = d.Name()
		}
		sizes[kind] += info.Size()
		counts[kind]++
		return nil
	})
	return formatBreakdown(sizes, counts, "files"), err
}

func formatBreakdown(sizes map[string]int64, counts map[string]int, unit string) string {
	keys := make([]string, 0, len(sizes))
	for k := range sizes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool { return sizes[keys[a]] > sizes[keys[b]] })
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("`%s` %.2f MB in %d %s", k,
			float64(sizes[k])/1e6, counts[k], unit))
	}
	return strings.Join(parts, ", ")
}
