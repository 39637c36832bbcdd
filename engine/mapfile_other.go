//go:build !unix

package engine

import (
	"io"
	"os"
)

// mapFile reads a whole file into memory where mmap is not at hand.
func mapFile(path string) ([]byte, error) { return readWhole(path) }

// unmapFile leaves the memory to the garbage collector.
func unmapFile([]byte) error { return nil }

// readWhole reads a file into memory aligned to 8 bytes.
func readWhole(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close() //nolint:errcheck // read-only
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	words := make([]uint64, (st.Size()+7)/8)
	b := bytesOf(words)[:st.Size()]
	_, err = io.ReadFull(f, b)
	return b, err
}
