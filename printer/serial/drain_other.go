//go:build !linux

package serial

import (
	"context"
	"os"
	"time"
)

// openControl has no use where the output queue cannot be watched.
func openControl(string) *os.File { return nil }

// waitDrained cannot watch the output queue on this system: a job counts as sent
// when it is written.
func waitDrained(context.Context, *os.File, time.Time) error { return nil }

func discard(*os.File) {}
