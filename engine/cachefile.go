package engine

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	"github.com/cespare/xxhash/v2"

	"github.com/sextant-ml/sextant/engine/block"
)

// The block cache can be saved to a file when the server stops and mapped
// back when it starts (docs/format/blockcache.md), so that the first chart
// after a restart draws from decoded blocks instead of decoding every block
// it meets: at 100 runs of a million points that decoding is most of a
// second. Entries are keyed by the hash of the encoded block, so a saved
// entry can only ever be found by the bytes it was decoded from: a block
// rewritten or deleted since the save is simply never asked for, and its
// entry ages out like any other.
//
// The entries are written as the process holds them in memory and mapped
// back without a copy, so the file is only read by a machine of the same
// byte order and struct layout (cacheLayout); any other file is dropped.

// cacheFileMagic starts and ends a saved block cache.
const cacheFileMagic = "SXBCACHE"

// cacheFileVersion is the format version of a saved block cache.
const cacheFileVersion = 1

// Sizes of the fixed parts of a saved block cache.
const (
	cacheHeaderBytes  = 24 // magic, version, layout, reserved
	cacheIndexEntry   = 64 // eight little-endian uint64
	cacheTrailerBytes = 32 // index offset, entries, CRC-32C, pad, magic
	statsBytes        = int(unsafe.Sizeof(block.Stats{}))
)

// ErrCacheFile marks a saved block cache that cannot be used: corrupt,
// truncated, of another version, or written by a machine of another
// layout. The engine starts with an empty cache instead.
var ErrCacheFile = errors.New("unusable block cache file")

// cacheLayout is a checksum of the byte order and of the layout of every
// struct the file holds as raw memory.
var cacheLayout = func() uint32 {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s int%d;", binary.NativeEndian, 8*unsafe.Sizeof(int(0)))
	for _, v := range []any{block.Stats{}, block.Bucket{}, Extreme{}, block.Cuts{}} {
		t := reflect.TypeOf(v)
		fmt.Fprintf(&sb, "%s %d{", t.Name(), t.Size())
		for i := range t.NumField() {
			f := t.Field(i)
			fmt.Fprintf(&sb, "%s %s@%d;", f.Name, f.Type, f.Offset)
		}
		sb.WriteString("}")
	}
	return crc32.Checksum([]byte(sb.String()), castagnoli)
}()

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// cachedEntry is one entry of the block cache as SaveCache sees it.
type cachedEntry struct {
	key cacheKey
	val any
}

// cutTables counts the blocks among entries whose Cuts are built.
func cutTables(entries []cachedEntry) int {
	n := 0
	for _, e := range entries {
		if b, ok := e.val.(*decodedBlock); ok && b.builtCuts() != nil {
			n++
		}
	}
	return n
}

// snapshot returns the cache's entries, each shard's least recently used
// first, so that putting them back in order leaves the most recent at the
// front.
func (c *blockCache) snapshot() []cachedEntry {
	var out []cachedEntry
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		for e := s.lru.prev; e != &s.lru; e = e.prev {
			out = append(out, cachedEntry{key: e.key, val: e.val})
		}
		s.mu.Unlock()
	}
	return out
}

// SaveCache writes the decoded blocks and summaries of the block cache to
// path, replacing the file there only once the new one is whole. Call it
// after Close, so that no reader adds entries meanwhile; it returns the
// bytes written. When the cache was filled from path and has since stored
// nothing and built no block's Cuts, the file already holds every entry:
// it is kept, and SaveCache returns 0. A restart whose charts all drew
// from the saved blocks so stops without writing a gigabyte.
//
// The file is not synced: a gigabyte at the chart targets' size took
// seconds to reach the disk, and a file that a crash cut short fails the
// checks of LoadCache and is dropped like any unusable one.
func (db *DB) SaveCache(path string) (int64, error) {
	entries := db.cache.snapshot()
	db.loadedCache.Lock()
	unchanged := db.loadedCache.path == path &&
		db.cache.puts.Load() == db.loadedCache.puts && cutTables(entries) == db.loadedCache.cuts
	db.loadedCache.Unlock()
	if unchanged {
		if _, err := os.Stat(path); err == nil {
			return 0, nil
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return 0, fmt.Errorf("save block cache: %w", err)
	}
	tmp := path + ".tmp"
	n, err := writeCacheFile(tmp, entries)
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return 0, fmt.Errorf("save block cache: %w", err)
	}
	return n, nil
}

// cacheFileWriter writes a saved block cache: the entries' bytes, each
// 8-byte aligned, as they come, then their index.
type cacheFileWriter struct {
	w     *bufio.Writer
	off   uint64
	index []byte
}

// writeCacheFile writes entries to a new file at path and returns its
// size.
func writeCacheFile(path string, entries []cachedEntry) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	cw := &cacheFileWriter{w: bufio.NewWriterSize(f, 1<<20)}
	header := make([]byte, 0, cacheHeaderBytes)
	header = append(header, cacheFileMagic...)
	header = binary.LittleEndian.AppendUint32(header, cacheFileVersion)
	header = binary.LittleEndian.AppendUint32(header, cacheLayout)
	header = binary.LittleEndian.AppendUint64(header, 0)
	cw.write(header)

	for _, e := range entries {
		switch v := e.val.(type) {
		case *decodedBlock:
			cw.writeBlock(e.key.hash, v)
		case *decodedSummary:
			cw.writeSummary(e.key.hash, v)
		}
	}

	indexOff, count := cw.off, len(cw.index)/cacheIndexEntry
	cw.write(cw.index)
	crc := crc32.Update(crc32.Checksum(header, castagnoli), castagnoli, cw.index)
	trailer := binary.LittleEndian.AppendUint64(nil, indexOff)
	trailer = binary.LittleEndian.AppendUint64(trailer, uint64(count))
	trailer = binary.LittleEndian.AppendUint32(trailer, crc)
	trailer = binary.LittleEndian.AppendUint32(trailer, 0)
	trailer = append(trailer, cacheFileMagic...)
	cw.write(trailer)

	err = cw.w.Flush()
	return int64(cw.off), errors.Join(err, f.Close())
}

// write appends p to the file; a failed write surfaces at Flush, since
// bufio.Writer keeps its first error.
func (cw *cacheFileWriter) write(p []byte) {
	_, _ = cw.w.Write(p)
	cw.off += uint64(len(p))
}

// writeData writes the byte views of parts back to back, 8-byte aligned,
// and returns their offset and the xxhash of their bytes.
func (cw *cacheFileWriter) writeData(parts ...[]byte) (uint64, uint64) {
	if pad := cw.off % 8; pad != 0 {
		cw.write(make([]byte, 8-pad))
	}
	off, d := cw.off, xxhash.New()
	for _, p := range parts {
		cw.write(p)
		_, _ = d.Write(p)
	}
	return off, d.Sum64()
}

// addIndex appends an index entry of eight words.
func (cw *cacheFileWriter) addIndex(words ...uint64) {
	var e [cacheIndexEntry]byte
	for i, w := range words {
		binary.LittleEndian.PutUint64(e[8*i:], w)
	}
	cw.index = append(cw.index, e[:]...)
}

// Flags of a saved block (index word 5): what follows its values.
const (
	savedSteps = 1 << iota // the steps, unless they are evenly spaced
	savedCuts              // the Cuts of its buckets, once a chart built them
)

// writeBlock saves a decoded block: its values, then its steps unless they
// are evenly spaced, then its Cuts if they were built (a restart would
// otherwise build them for every block at its second chart, 1.5 s of CPU
// at 100 runs of a million points). Index words: hash, kind, offset,
// checksum, points, flags, first step, stride.
func (cw *cacheFileWriter) writeBlock(hash uint64, b *decodedBlock) {
	s := &b.span
	if len(s.Values) == 0 {
		return
	}
	parts, flags := [][]byte{bytesOf(s.Values)}, uint64(0)
	if s.steps != nil {
		parts, flags = append(parts, bytesOf(s.steps)), flags|savedSteps
	}
	if cuts := b.builtCuts(); cuts != nil {
		parts, flags = append(parts, bytesOf(cuts)), flags|savedCuts
	}
	off, sum := cw.writeData(parts...)
	cw.addIndex(hash, uint64(kindPoints), off, sum, uint64(len(s.Values)), flags,
		uint64(s.first), uint64(s.stride))
}

// writeSummary saves a decoded summary: its statistics, pyramid, coarse
// level and both levels' extremes. Index words: hash, kind, offset,
// checksum, pyramid buckets, coarse buckets.
func (cw *cacheFileWriter) writeSummary(hash uint64, s *decodedSummary) {
	off, sum := cw.writeData(bytesOf([]block.Stats{s.st}), bytesOf(s.pyr),
		bytesOf(s.coarse), bytesOf(s.ext), bytesOf(s.coarseExt))
	cw.addIndex(hash, uint64(kindSummary), off, sum, uint64(len(s.pyr)),
		uint64(len(s.coarse)), 0, 0)
}

// bytesOf returns the memory of a slice of plain values as bytes.
func bytesOf[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(zero)))
}

// viewOf returns n values of type T that start at byte off of m, which
// must be 8-byte aligned in memory.
func viewOf[T any](m []byte, off uint64, n int) []T {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&m[off])), n)
}

// LoadCache maps a block cache saved by SaveCache and puts its entries in
// the block cache, checking each entry's bytes first; it returns how many
// entries it put. An unusable file (ErrCacheFile) leaves the cache as it
// was; a missing one is an error satisfying errors.Is(err, os.ErrNotExist).
// Call it right after Open, before the first read.
//
// A file that loads stays mapped for the life of the process, never
// unmapped: spans read from a mapped entry may be held by callers after
// the entry left the cache, or after the DB closed.
func (db *DB) LoadCache(path string) (int, error) {
	m, err := mapFile(path)
	if err != nil {
		return 0, fmt.Errorf("load block cache: %w", err)
	}
	entries, err := parseCacheFile(m)
	if err != nil {
		_ = unmapFile(m)
		return 0, fmt.Errorf("load block cache %s: %w", path, err)
	}
	db.loadedCache.Lock()
	defer db.loadedCache.Unlock()
	// Entries stored before the load are not in the file: SaveCache must
	// then write, whatever follows.
	fresh := db.cache.puts.Load() == 0
	for _, e := range entries {
		switch v := e.val.(type) {
		case *decodedBlock:
			db.cache.put(e.key, v, spanBytes(&v.span))
		case *decodedSummary:
			db.cache.put(e.key, v, summaryBytes(v))
		}
	}
	if fresh {
		db.loadedCache.path, db.loadedCache.puts = path, db.cache.puts.Load()
		db.loadedCache.cuts = cutTables(entries)
	}
	return len(entries), nil
}

// parseCacheFile checks a mapped cache file and returns its entries, their
// slices pointing into m.
func parseCacheFile(m []byte) ([]cachedEntry, error) {
	if len(m) < cacheHeaderBytes+cacheTrailerBytes ||
		string(m[:8]) != cacheFileMagic || string(m[len(m)-8:]) != cacheFileMagic {
		return nil, fmt.Errorf("%w: no header or trailer", ErrCacheFile)
	}
	if v := binary.LittleEndian.Uint32(m[8:]); v != cacheFileVersion {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrCacheFile, v, cacheFileVersion)
	}
	if l := binary.LittleEndian.Uint32(m[12:]); l != cacheLayout {
		return nil, fmt.Errorf("%w: written by a machine of another layout", ErrCacheFile)
	}
	t := m[len(m)-cacheTrailerBytes:]
	indexOff, count := binary.LittleEndian.Uint64(t), binary.LittleEndian.Uint64(t[8:])
	end := uint64(len(m) - cacheTrailerBytes)
	if indexOff < cacheHeaderBytes || indexOff > end ||
		(end-indexOff)%cacheIndexEntry != 0 || (end-indexOff)/cacheIndexEntry != count {
		return nil, fmt.Errorf("%w: index out of bounds", ErrCacheFile)
	}
	index := m[indexOff:end]
	crc := crc32.Update(crc32.Checksum(m[:cacheHeaderBytes], castagnoli), castagnoli, index)
	if crc != binary.LittleEndian.Uint32(t[16:]) {
		return nil, fmt.Errorf("%w: index checksum mismatch", ErrCacheFile)
	}
	if uintptr(unsafe.Pointer(&m[0]))%8 != 0 {
		return nil, fmt.Errorf("%w: mapped at an unaligned address", ErrCacheFile)
	}

	entries := make([]cachedEntry, count)
	sums := make([]uint64, count)
	spans := make([][2]uint64, count) // byte range of each entry's data
	for i := range entries {
		var w [8]uint64
		for j := range w {
			w[j] = binary.LittleEndian.Uint64(index[i*cacheIndexEntry+8*j:])
		}
		e, size, err := cacheEntryOf(m, indexOff, w)
		if err != nil {
			return nil, fmt.Errorf("%w: entry %d: %w", ErrCacheFile, i, err)
		}
		entries[i], sums[i], spans[i] = e, w[3], [2]uint64{w[2], w[2] + size}
	}
	if err := checkSums(m, spans, sums); err != nil {
		return nil, err
	}
	return entries, nil
}

// cacheEntryOf returns the entry an index entry describes, and the bytes of
// its data, which must lie before indexOff.
func cacheEntryOf(m []byte, indexOff uint64, w [8]uint64) (cachedEntry, uint64, error) {
	hash, kind, off, n := w[0], w[1], w[2], w[4]
	fits := func(size uint64) bool {
		return off >= cacheHeaderBytes && off%8 == 0 && size <= indexOff && off <= indexOff-size
	}
	switch cacheKind(kind) {
	case kindPoints:
		flags, first, stride := w[5], int64(w[6]), int64(w[7])
		hasSteps := flags & savedSteps
		if n == 0 || n > block.MaxPoints || flags > savedSteps|savedCuts ||
			(hasSteps == 0 && stride <= 0) {
			return cachedEntry{}, 0, fmt.Errorf("block of %d points, flags %d, stride %d",
				n, flags, stride)
		}
		buckets := (n + block.PyramidSpan - 1) / block.PyramidSpan
		size := 8 * n * (1 + hasSteps)
		if flags&savedCuts != 0 {
			size += buckets * uint64(cutsBytes)
		}
		if !fits(size) {
			return cachedEntry{}, 0, errors.New("block out of bounds")
		}
		b := &decodedBlock{span: Span{Values: viewOf[float64](m, off, int(n)),
			first: first, stride: stride}}
		end := off + 8*n
		if hasSteps != 0 {
			b.span.steps = viewOf[int64](m, end, int(n))
			end += 8 * n
		}
		if flags&savedCuts != 0 {
			b.cuts = viewOf[block.Cuts](m, end, int(buckets))
			b.hasCuts.Store(true)
		}
		return cachedEntry{cacheKey{hash, kindPoints}, b}, size, nil
	case kindSummary:
		coarse := w[5]
		maxBuckets := uint64(block.MaxPoints+block.PyramidSpan-1) / block.PyramidSpan
		if n > maxBuckets || coarse != (n+CoarseSpan-1)/CoarseSpan {
			return cachedEntry{}, 0, fmt.Errorf("summary of %d and %d buckets", n, coarse)
		}
		b, x := uint64(bucketBytes), uint64(extremeBytes)
		size := uint64(statsBytes) + (n+coarse)*(b+x)
		if !fits(size) {
			return cachedEntry{}, 0, errors.New("summary out of bounds")
		}
		pyrOff := off + uint64(statsBytes)
		coarseOff := pyrOff + n*b
		extOff := coarseOff + coarse*b
		s := &decodedSummary{
			st:        viewOf[block.Stats](m, off, 1)[0],
			pyr:       viewOf[block.Bucket](m, pyrOff, int(n)),
			coarse:    viewOf[block.Bucket](m, coarseOff, int(coarse)),
			ext:       viewOf[Extreme](m, extOff, int(n)),
			coarseExt: viewOf[Extreme](m, extOff+n*x, int(coarse)),
		}
		return cachedEntry{cacheKey{hash, kindSummary}, s}, size, nil
	}
	return cachedEntry{}, 0, fmt.Errorf("unknown kind %d", kind)
}

// checkSums compares the xxhash of each entry's bytes with the index, on
// every core: a saved cache is most of a gigabyte at the chart targets'
// size, and an entry is served as it lies in the file.
func checkSums(m []byte, spans [][2]uint64, sums []uint64) error {
	workers := min(runtime.GOMAXPROCS(0), max(len(sums), 1))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(sums); i += workers {
				if xxhash.Sum64(m[spans[i][0]:spans[i][1]]) != sums[i] {
					errs[w] = fmt.Errorf("%w: entry %d: checksum mismatch", ErrCacheFile, i)
					return
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
