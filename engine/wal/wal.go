// Package wal is the engine's write-ahead log: an append-only sequence of
// records in numbered segment files, made durable by group commit, so that
// the writers waiting at one moment share one fsync.
//
// # Format
//
// A segment file is named by its index, in 16 decimal digits with a .wal
// suffix. It starts with an 8-byte header, then holds frames back to back:
//
//	header:  "sxwal" | version (1 byte, 1) | 2 zero bytes
//	frame:   length (uint32 LE) | CRC-32C of payload (uint32 LE) | payload
//
// docs/format/wal.md draws the layout and what the engine puts in payloads.
//
// # Concurrency
//
// Write and WaitSync may be called from many goroutines. Write appends a
// frame to the page cache under the log's mutex, so a record survives the
// process being killed as soon as Write returns; WaitSync returns once an
// fsync that started after that Write finished, so the record also
// survives a power cut.
//
// # Invariants
//
//   - Frames are written whole by one write call, in ticket order.
//   - A segment is synced before the next one is started, so only the last
//     segment of a crashed log can end in a torn frame; Replay stops there,
//     and Repair cuts it off before Open starts the next segment.
//   - Open never appends to an existing segment: it starts a new one.
package wal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// ErrCorrupt marks a segment that does not decode before its end.
var ErrCorrupt = errors.New("corrupt wal")

const (
	magic      = "sxwal"
	version    = 1
	headerSize = 8
	frameSize  = 8
	suffix     = ".wal"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Log is a write-ahead log in a directory.
type Log struct {
	dir     string
	maxSize int64

	// mu guards the files and counters below.
	mu      sync.Mutex
	files   map[int]*os.File // open segments, by index
	active  int
	size    int64
	written uint64 // tickets handed out: frames written
	buf     []byte

	// syncMu guards synced, syncing and err; cond waits on them.
	syncMu  sync.Mutex
	cond    *sync.Cond
	synced  uint64 // every ticket up to this one is durable
	syncing bool
	syncs   uint64 // fsyncs done by WaitSync
	err     error
}

// Open opens the log in dir, creating dir if needed, and starts a new
// segment after the existing ones. Segments grow to about maxSize bytes.
func Open(dir string, maxSize int64) (*Log, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open wal: %w", err)
	}
	segs, err := Segments(dir)
	if err != nil {
		return nil, err
	}
	l := &Log{dir: dir, maxSize: maxSize, files: make(map[int]*os.File)}
	l.cond = sync.NewCond(&l.syncMu)
	next := 1
	if len(segs) > 0 {
		next = segs[len(segs)-1] + 1
	}
	if err := l.startSegment(next); err != nil {
		return nil, err
	}
	return l, nil
}

// Segments lists the indexes of the segment files in dir, in order; none
// when dir does not exist.
func Segments(dir string) ([]int, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list wal segments: %w", err)
	}
	var segs []int
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), suffix)
		if !ok {
			continue
		}
		if i, err := strconv.Atoi(name); err == nil {
			segs = append(segs, i)
		}
	}
	slices.Sort(segs)
	return segs, nil
}

func segmentPath(dir string, i int) string {
	return filepath.Join(dir, fmt.Sprintf("%016d%s", i, suffix))
}

// startSegment creates segment i and makes it the active one; the caller
// holds l.mu or owns l alone.
func (l *Log) startSegment(i int) error {
	f, err := os.OpenFile(segmentPath(l.dir, i), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("create wal segment: %w", err)
	}
	hdr := append([]byte(magic), version, 0, 0)
	if _, err := f.Write(hdr); err != nil {
		return errors.Join(fmt.Errorf("write wal header: %w", err), f.Close())
	}
	if err := syncDir(l.dir); err != nil {
		return errors.Join(err, f.Close())
	}
	l.files[i], l.active, l.size = f, i, headerSize
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync wal dir: %w", err)
	}
	if err := d.Sync(); err != nil {
		return errors.Join(fmt.Errorf("sync wal dir: %w", err), d.Close())
	}
	return d.Close()
}

// Write appends rec as one frame and returns the segment that holds it and
// a ticket for WaitSync. The frame survives a crash of the process once
// Write returns.
func (l *Log) Write(rec []byte) (seg int, ticket uint64, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.size >= l.maxSize {
		if err := l.rotate(); err != nil {
			return 0, 0, err
		}
	}
	l.buf = binary.LittleEndian.AppendUint32(l.buf[:0], uint32(len(rec)))
	l.buf = binary.LittleEndian.AppendUint32(l.buf, crc32.Checksum(rec, castagnoli))
	l.buf = append(l.buf, rec...)
	if _, err := l.files[l.active].Write(l.buf); err != nil {
		return 0, 0, fmt.Errorf("write wal: %w", err)
	}
	if cap(l.buf) > 4<<20 {
		l.buf = nil // keep no giant buffer after a giant record
	}
	l.size += int64(frameSize + len(rec))
	l.written++
	return l.active, l.written, nil
}

// rotate syncs the active segment and starts the next; the caller holds
// l.mu. The old file stays open until Remove, so that a sync in flight on
// it does not fail.
func (l *Log) rotate() error {
	if err := l.files[l.active].Sync(); err != nil {
		return fmt.Errorf("sync wal segment: %w", err)
	}
	return l.startSegment(l.active + 1)
}

// WaitSync returns once the frame of ticket is durable: an fsync that
// started after its Write has finished. Concurrent waiters share fsyncs.
func (l *Log) WaitSync(ticket uint64) error {
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	for l.synced < ticket && l.err == nil {
		if l.syncing {
			l.cond.Wait()
			continue
		}
		l.syncing = true
		l.syncMu.Unlock()
		target, err := l.syncActive()
		l.syncMu.Lock()
		l.syncing = false
		l.syncs++
		if err != nil {
			l.err = err
		} else {
			l.synced = max(l.synced, target)
		}
		l.cond.Broadcast()
	}
	return l.err
}

// syncActive fsyncs the active segment and returns the last ticket it
// covers. Segments before it were synced when they were rotated.
func (l *Log) syncActive() (uint64, error) {
	l.mu.Lock()
	f, target := l.files[l.active], l.written
	l.mu.Unlock()
	if err := f.Sync(); err != nil {
		return 0, fmt.Errorf("sync wal: %w", err)
	}
	return target, nil
}

// Syncs returns how many fsyncs WaitSync did: with group commit, fewer
// than the records written by concurrent writers.
func (l *Log) Syncs() uint64 {
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	return l.syncs
}

// Active returns the index of the segment being written.
func (l *Log) Active() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.active
}

// Remove deletes segment i, which must not be the active one.
func (l *Log) Remove(i int) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i == l.active {
		return fmt.Errorf("remove wal segment %d: it is active", i)
	}
	var closeErr error
	if f := l.files[i]; f != nil {
		closeErr = f.Close()
		delete(l.files, i)
	}
	if err := os.Remove(segmentPath(l.dir, i)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove wal segment: %w", err)
	}
	return closeErr
}

// Drop deletes segments segs of the closed log in dir, in the order given,
// then syncs dir so that the removals survive a crash.
func Drop(dir string, segs []int) error {
	for _, i := range segs {
		err := os.Remove(segmentPath(dir, i))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("drop wal segment: %w", err)
		}
	}
	return syncDir(dir)
}

// Close syncs and closes every segment.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	var errs []error
	if f := l.files[l.active]; f != nil {
		errs = append(errs, f.Sync())
	}
	for i, f := range l.files {
		errs = append(errs, f.Close())
		delete(l.files, i)
	}
	return errors.Join(errs...)
}

// Replay calls fn with every record of segment i of the log in dir, in
// order. A torn or corrupt frame ends the segment: Replay returns
// an error wrapping ErrCorrupt, with fn called for every frame before it.
func Replay(dir string, i int, fn func(rec []byte) error) error {
	data, err := os.ReadFile(segmentPath(dir, i))
	if err != nil {
		return fmt.Errorf("read wal segment %d: %w", i, err)
	}
	_, err = scan(i, data, fn)
	return err
}

// Repair cuts segment i of the log in dir back to its last whole frame, or
// removes it when even its header is torn (removed is true then), and syncs
// the change. Replay of
// a crashed log tolerates a torn tail only in the last segment; since Open
// starts a new segment after it, the tail must be gone before that, or the
// next start would find it in the middle of the log.
func Repair(dir string, i int) (removed bool, err error) {
	path := segmentPath(dir, i)
	data, err := os.ReadFile(path)
	if err != nil {
		return false, fmt.Errorf("read wal segment %d: %w", i, err)
	}
	good, err := scan(i, data, func([]byte) error { return nil })
	if err == nil {
		return false, nil
	}
	if good < headerSize {
		if err := os.Remove(path); err != nil {
			return false, fmt.Errorf("remove torn wal segment %d: %w", i, err)
		}
		return true, syncDir(dir)
	}
	return false, truncate(path, int64(good))
}

// truncate cuts the file at path to size bytes and syncs it.
func truncate(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("open wal segment: %w", err)
	}
	err = f.Truncate(size)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cut torn wal tail: %w", err)
	}
	return nil
}

// scan calls fn with every whole frame of segment data and returns the
// length of the prefix that decoded: 0 when the header is bad, else the
// end of the last good frame.
func scan(i int, data []byte, fn func(rec []byte) error) (int, error) {
	if len(data) < headerSize || string(data[:len(magic)]) != magic || data[5] != version {
		return 0, fmt.Errorf("wal segment %d header: %w", i, ErrCorrupt)
	}
	off := headerSize
	for rest := data[headerSize:]; len(rest) > 0; {
		if len(rest) < frameSize {
			return off, fmt.Errorf("wal segment %d at %d: torn frame: %w", i, off, ErrCorrupt)
		}
		n := binary.LittleEndian.Uint32(rest)
		sum := binary.LittleEndian.Uint32(rest[4:])
		if uint64(len(rest)-frameSize) < uint64(n) ||
			crc32.Checksum(rest[frameSize:frameSize+int(n)], castagnoli) != sum {
			return off, fmt.Errorf("wal segment %d at %d: bad frame: %w", i, off, ErrCorrupt)
		}
		if err := fn(rest[frameSize : frameSize+int(n)]); err != nil {
			return off, err
		}
		rest = rest[frameSize+int(n):]
		off += frameSize + int(n)
	}
	return off, nil
}
