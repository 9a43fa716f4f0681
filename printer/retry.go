package printer

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// RetryPolicy decides whether a failed job is tried again. attempt counts the
// failures of this job so far, from 1. It returns false to give up; a non-nil error
// replaces err as the job's final error. The spooler pauses the printer's queue while
// it retries.
type RetryPolicy func(ctx context.Context, attempt int, err error) (bool, error)

// Backoff returns how long to wait before poll or retry number attempt (from 0),
// between min and max.
type Backoff func(min, max time.Duration, attempt int) time.Duration

// DefaultRetryPolicy retries every failure except a cancelled context (whose error it
// returns), a job over the size limit and an operation the transport does not
// support. A printer that is out of paper or unreachable is waited for, however long
// it takes: a warehouse loads paper, it does not drop waybills.
func DefaultRetryPolicy(ctx context.Context, attempt int, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err == nil || errors.Is(err, ErrTooLarge) || errors.Is(err, ErrUnsupported) {
		return false, nil
	}
	return true, nil
}

// LimitRetries returns a policy that asks p but gives up after max failures.
func LimitRetries(p RetryPolicy, max int) RetryPolicy {
	if p == nil {
		p = DefaultRetryPolicy
	}
	return func(ctx context.Context, attempt int, err error) (bool, error) {
		if attempt >= max {
			return false, nil
		}
		return p(ctx, attempt, err)
	}
}

// DefaultBackoff doubles min with every attempt and caps the result at max.
func DefaultBackoff(min, max time.Duration, attempt int) time.Duration {
	if min <= 0 {
		min = time.Millisecond
	}
	if max < min {
		max = min
	}
	d := min
	for range attempt {
		if d >= max/2 {
			return max
		}
		d *= 2
	}
	if d > max {
		return max
	}
	return d
}

// RetryError is a job's final error after the retry policy gave up. It wraps the
// last cause.
type RetryError struct {
	Attempts int
	Err      error
}

func (e *RetryError) Error() string {
	return fmt.Sprintf("printer: giving up after %d attempts: %v", e.Attempts, e.Err)
}

// Unwrap returns the last cause.
func (e *RetryError) Unwrap() error { return e.Err }
