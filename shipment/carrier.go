package shipment

// This file declares the [Carrier] interface through which a station obtains
// and cancels waybill (tracking) numbers.

import (
	"context"
	"errors"
	"fmt"
)

// Carrier allocates and cancels waybill numbers for one or more couriers.
// Implementations must be safe for concurrent use.
type Carrier interface {
	// Allocate returns a new waybill for req. It returns an error wrapping
	// [ErrExhausted] when no number is left.
	Allocate(ctx context.Context, req AllocateRequest) (Waybill, error)
	// Cancel gives trackingNo back. Only numbers the courier has not yet
	// collected can be cancelled: others give an error wrapping [ErrCollected];
	// numbers the carrier never issued give [ErrUnknownNumber].
	Cancel(ctx context.Context, trackingNo string) error
}

// Sequence hands out the numbers 1, 2, 3, ... for each name, each once, across
// restarts and across stations sharing a store. Stores implement it; an offline
// number pool takes its serials from one (see shipment/pool).
type Sequence interface {
	NextValue(ctx context.Context, name string) (int64, error)
}

// BlockSequence is a [Sequence] that hands out a block of values in one step.
// Stores implement it; a number pool takes its serials in blocks from one when
// asked to (see shipment/pool).
type BlockSequence interface {
	Sequence
	// NextValues takes the next n values of name (n at least 1) and returns the
	// last: the caller owns last-n+1 to last. A block taken and not used leaves
	// a gap; no value is ever handed out twice.
	NextValues(ctx context.Context, name string, n int64) (last int64, err error)
}

// AllocateRequest asks a [Carrier] for one waybill.
type AllocateRequest struct {
	// Carrier is the courier code, such as "ZTO", "YTO", "STO", "EMS", "SF".
	Carrier string
	// OrderID is the order the waybill is for; carriers may record it.
	OrderID string
	// Service is the courier's service type (标快, 特快), empty for the default.
	Service string
}

// Waybill is a tracking number with the routing data a courier returns for it.
type Waybill struct {
	TrackingNo string
	Carrier    string
	OrderID    string
	SortCode   string // 三段码, short_address
	Mark       string // 大头笔
	BagAddr    string // 集包地
}

// Errors returned by carriers. Implementations wrap them with detail (%w).
var (
	ErrExhausted      = errors.New("shipment: no waybill numbers left")
	ErrCollected      = errors.New("shipment: waybill already collected by the courier")
	ErrUnknownNumber  = errors.New("shipment: waybill number not issued by this carrier")
	ErrUnknownCarrier = errors.New("shipment: unknown carrier code")
	// ErrBadBlock is wrapped by [BlockSequence.NextValues] asked for fewer than
	// one value.
	ErrBadBlock = errors.New("shipment: a block of sequence values holds at least one")
)

// NumberError names the tracking number a carrier refused.
type NumberError struct {
	TrackingNo string
	Err        error // one of the sentinels above
}

// Error implements error.
func (e *NumberError) Error() string { return fmt.Sprintf("%v: %s", e.Err, e.TrackingNo) }

// Unwrap returns the sentinel.
func (e *NumberError) Unwrap() error { return e.Err }
