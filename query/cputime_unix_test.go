//go:build unix

package query

import (
	"syscall"
	"time"
)

// cpuTime is the user and system time the process has used so far.
// Benchmarks report it per op beside wall time, which on a shared machine
// counts other processes' turns too.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
