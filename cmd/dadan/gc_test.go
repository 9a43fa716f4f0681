package main

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The command's collector settings apply unless the environment sets its own.
func TestTuneGC(t *testing.T) {
	was := debug.SetGCPercent(100)
	wasLimit := debug.SetMemoryLimit(-1)
	defer func() {
		debug.SetGCPercent(was)
		debug.SetMemoryLimit(wasLimit)
	}()
	for _, name := range []string{"GOGC", "GOMEMLIMIT"} {
		debug.SetGCPercent(100)
		set := tuneGC(func(k string) string {
			if k == name {
				return "50"
			}
			return ""
		})
		assert.False(t, set, "%s set: the environment's settings stand", name)
		assert.Equal(t, 100, debug.SetGCPercent(100), "%s set", name)
	}
	assert.True(t, tuneGC(func(string) string { return "" }))
	assert.Equal(t, gcPercent, debug.SetGCPercent(100))
	assert.Equal(t, int64(gcLimit), debug.SetMemoryLimit(-1))
}
