//go:build unix

package dadan_test

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time the process used (user and system), so that a
// benchmark on a busy machine can report the work it did, not the time it waited.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
