package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dgraph-io/badger/v4"
)

// closeBadger closes Badger so that it leaves only what the store needs.
// Badger's Close flushes the memtable into a level-0 table and, with
// CompactL0OnClose, compacts level 0 into the level below, dropping the
// versions that NumVersionsToKeep no longer keeps: without it every
// rewrite of a run record in the memtable (at creation and at each seal
// round) would stay on disk. Compaction drops only versions older than the
// oldest read still open, so an empty read transaction first marks every
// read done up to the last commit. Then the DISCARD file is shrunk.
func closeBadger(bdb *badger.DB, o Options) error {
	if err := bdb.View(func(*badger.Txn) error { return nil }); err != nil {
		return errors.Join(fmt.Errorf("close badger: %w", err), bdb.Close())
	}
	if err := bdb.Close(); err != nil {
		return err
	}
	if o.InMemory {
		return nil
	}
	return shrinkDiscard(o.Dir)
}

// discardSlot is the size of one entry of Badger's DISCARD file: a value
// log file id and the bytes of it that compactions found dead, both
// big-endian uint64. An id of zero marks the first unused slot.
const discardSlot = 16

// shrinkDiscard truncates Badger's DISCARD file, which Badger creates as a
// 1 MiB sparse file, to its used slots and one empty slot, once Badger is
// closed. The engine keeps every value in the LSM tree (ValueThreshold), so
// the file normally holds no entry and shrinks to 16 bytes. Badger reads
// the slots up to the first empty one and doubles the file when it needs
// more, so the shorter file opens as the longer did; a clean Close thus
// leaves no megabyte of zeros that `ls` and backups count, though `du`,
// which counts allocated blocks, saw only 4 KiB of it.
func shrinkDiscard(dir string) error {
	path := filepath.Join(dir, "DISCARD")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("shrink discard file: %w", err)
	}
	used := 0
	for used+discardSlot <= len(data) && binary.BigEndian.Uint64(data[used:]) != 0 {
		used += discardSlot
	}
	keep := used + discardSlot
	if keep >= len(data) {
		return nil // no empty slot to spare
	}
	if err := os.Truncate(path, int64(keep)); err != nil {
		return fmt.Errorf("shrink discard file: %w", err)
	}
	return nil
}
