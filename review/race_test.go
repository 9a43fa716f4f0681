//go:build race

package review

// raceEnabled is set when the race detector runs: it adds allocations of its own,
// so allocation budgets are only checked without it.
const raceEnabled = true
