//go:build unix

package engine

import (
	"os"
	"syscall"
)

// mapFile maps a whole file read-only. The pages stay in the page cache
// and are read as a chart touches them, so a saved cache of a gigabyte
// costs a restart only the checks of its bytes.
func mapFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close() //nolint:errcheck // read-only; the mapping outlives it
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() == 0 {
		return []byte{}, nil
	}
	return syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
}

// unmapFile releases a mapping of mapFile that nothing points into.
func unmapFile(m []byte) error {
	if len(m) == 0 {
		return nil
	}
	return syscall.Munmap(m)
}
