package query

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"time"

	"github.com/VictoriaMetrics/fastcache"
)

// The answer cache is saved as a directory (docs/format/answers.md):
//
//	DIR/stamp      what the answers were computed by, and when they were saved
//	DIR/fastcache  fastcache's own files (SaveToFile), snappy framed
//
// The stamp file:
//
//	+---------+----------------+-----------------+-------------+----------+
//	| version | saved at       | uvarint n       | stamp       | CRC-32C  |
//	| 1 byte  | 8 bytes, int64 | 1 to 10 bytes   | n bytes     | 4 bytes  |
//	|   = 1   | unix ns, LE    |                 |             | LE       |
//	+---------+----------------+-----------------+-------------+----------+
//
// The stamp holds the caller's build stamp (the server's: a hash of its
// executable), then cacheVersion and the MaxRawPoints the answers obey; a
// file whose stamp differs from the loading engine's is dropped. The
// checksum covers every byte before it.
//
// Design note: fastcache gives no way to list its entries, so a format of
// our own would need a second index of the keys; its files already check
// their bytes (snappy framing carries a CRC per chunk, and answers are
// stored with SetBig, which checks a hash of the value on every read).

// answersFormat is the version byte of the stamp file.
const answersFormat = 1

// ErrCacheFile marks a saved answer cache that cannot be used: corrupt,
// of another version, of another build, or saved after the clock.
var ErrCacheFile = errors.New("unusable answer cache file")

// SaveCache writes the answer cache to the directory dir, replacing what
// it holds, with build naming the code that computed the answers. Call it
// only once the store is closed cleanly, so that the answers' keys
// describe the data the next Open finds. It is a no-op when the cache is
// disabled.
func (e *Engine) SaveCache(dir string, build []byte) error {
	if e.cache == nil {
		return nil
	}
	tmp := dir + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("save answer cache: %w", err)
	}
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return fmt.Errorf("save answer cache: %w", err)
	}
	err := e.cache.SaveToFileConcurrent(filepath.Join(tmp, "fastcache"), 0)
	if err == nil {
		err = writeSynced(filepath.Join(tmp, "stamp"), e.appendStamp(nil, build, time.Now()))
	}
	if err == nil {
		err = os.RemoveAll(dir)
	}
	if err == nil {
		err = os.Rename(tmp, dir)
	}
	if err != nil {
		return errors.Join(fmt.Errorf("save answer cache: %w", err), os.RemoveAll(tmp))
	}
	return nil
}

// LoadCache fills the answer cache from the directory dir written by
// SaveCache, and returns the bytes it holds. It removes dir whatever
// happens, so that a server killed later leaves no file behind: a saved
// cache is only ever the one of the last clean stop. A missing dir loads
// nothing and is no error; one that cannot be used returns an error that
// wraps ErrCacheFile, and the cache stays empty. Call it before the first
// query.
func (e *Engine) LoadCache(dir string, build []byte) (int64, error) {
	// A save cut short leaves its temporary directory: never read, dropped.
	_ = os.RemoveAll(dir + ".tmp")
	if e.cache == nil {
		return 0, os.RemoveAll(dir)
	}
	c, err := e.loadCache(dir, build)
	if rmErr := os.RemoveAll(dir); rmErr != nil {
		// Kept, the file could be loaded again after a crash, stale.
		if c != nil {
			c.Reset()
		}
		return 0, errors.Join(err, fmt.Errorf("remove answer cache: %w", rmErr))
	}
	if err != nil || c == nil {
		return 0, err
	}
	e.cache.Reset()
	e.cache = c
	var st fastcache.Stats
	c.UpdateStats(&st)
	return int64(st.BytesSize), nil
}

func (e *Engine) loadCache(dir string, build []byte) (*fastcache.Cache, error) {
	stamp, err := os.ReadFile(filepath.Join(dir, "stamp"))
	if errors.Is(err, os.ErrNotExist) {
		if _, statErr := os.Stat(dir); errors.Is(statErr, os.ErrNotExist) {
			return nil, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("load answer cache: %w: %w", ErrCacheFile, err)
	}
	if err := e.checkStamp(stamp, build, time.Now()); err != nil {
		return nil, fmt.Errorf("load answer cache: %w", err)
	}
	var st fastcache.Stats
	e.cache.UpdateStats(&st)
	c, err := fastcache.LoadFromFileMaxBytes(filepath.Join(dir, "fastcache"),
		int(st.MaxBytesSize))
	if err != nil {
		return nil, fmt.Errorf("load answer cache: %w: %w", ErrCacheFile, err)
	}
	return c, nil
}

// appendStamp appends the stamp file's bytes for answers saved at t.
func (e *Engine) appendStamp(dst, build []byte, t time.Time) []byte {
	start := len(dst)
	dst = append(dst, answersFormat)
	dst = binary.LittleEndian.AppendUint64(dst, uint64(t.UnixNano()))
	stamp := e.stamp(build)
	dst = binary.AppendUvarint(dst, uint64(len(stamp)))
	dst = append(dst, stamp...)
	return binary.LittleEndian.AppendUint32(dst, crc32.Checksum(dst[start:], castagnoli))
}

// stamp names what the answers depend on besides the data.
func (e *Engine) stamp(build []byte) []byte {
	s := append([]byte(nil), build...)
	s = append(s, cacheVersion)
	return binary.AppendUvarint(s, uint64(e.maxRaw))
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// checkStamp returns nil when the stamp file b is intact, of this format,
// of this build and saved before now. A clock set back behind the save
// could leave a run's heartbeat unmoved by a write (see cacheKey), so such
// a file is not trusted.
func (e *Engine) checkStamp(b, build []byte, now time.Time) error {
	if len(b) < 1+8+1+4 {
		return fmt.Errorf("%w: stamp of %d bytes", ErrCacheFile, len(b))
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return fmt.Errorf("%w: stamp checksum mismatch", ErrCacheFile)
	}
	if body[0] != answersFormat {
		return fmt.Errorf("%w: format version %d, want %d", ErrCacheFile, body[0], answersFormat)
	}
	saved := time.Unix(0, int64(binary.LittleEndian.Uint64(body[1:9])))
	if !saved.Before(now) {
		return fmt.Errorf("%w: saved at %v, after now", ErrCacheFile, saved)
	}
	n, k := binary.Uvarint(body[9:])
	if k <= 0 || uint64(len(body)-9-k) != n {
		return fmt.Errorf("%w: stamp length", ErrCacheFile)
	}
	if !bytes.Equal(body[9+k:], e.stamp(build)) {
		return fmt.Errorf("%w: saved by another build or configuration", ErrCacheFile)
	}
	return nil
}

// writeSynced writes b to a new file at path and syncs it.
func writeSynced(path string, b []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}
