package sqlite

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Times are stored as Unix nanoseconds. The zero time.Time (year 1, before what
// int64 nanoseconds reach) is stored as the lowest int64, so it sorts first.

// ErrTimeRange is wrapped by the error for a time int64 nanoseconds cannot hold
// (before 1678 or after 2261); such a record is not stored.
var ErrTimeRange = errors.New("sqlite: time out of range")

var (
	minTime = time.Unix(0, math.MinInt64+1)
	maxTime = time.Unix(0, math.MaxInt64)
)

// timeEnc encodes times and keeps the first out-of-range error.
type timeEnc struct{ err error }

func (e *timeEnc) t(t time.Time) int64 {
	if t.IsZero() {
		return math.MinInt64
	}
	if t.Before(minTime) || t.After(maxTime) {
		if e.err == nil {
			e.err = fmt.Errorf("%w: %s", ErrTimeRange, t.Format(time.RFC3339))
		}
		return 0
	}
	return t.UnixNano()
}

// clampTime encodes t for sorting or as a query bound: out-of-range times
// become the nearest representable one.
func clampTime(t time.Time) int64 {
	switch {
	case t.IsZero():
		return math.MinInt64
	case t.Before(minTime):
		return math.MinInt64 + 1
	case t.After(maxTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// decTime decodes a stored time, in UTC.
func decTime(n int64) time.Time {
	if n == math.MinInt64 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
