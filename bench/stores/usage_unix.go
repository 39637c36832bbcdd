//go:build unix

package stores

import (
	"io/fs"
	"syscall"
)

// fileUsage reads the allocated size from st_blocks, in 512-byte units on
// every Unix that Go supports.
func fileUsage(info fs.FileInfo) Usage {
	u := Usage{Apparent: info.Size(), Allocated: info.Size()}
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		u.Allocated = int64(st.Blocks) * 512
	}
	return u
}
