//go:build !unix

package stores

import "io/fs"

// fileUsage takes the apparent size for the allocated one where the system
// does not say.
func fileUsage(info fs.FileInfo) Usage {
	return Usage{Apparent: info.Size(), Allocated: info.Size()}
}
