package main

import (
	"errors"

	"github.com/dadanhq/dadan/order"
)

func decodeErr(err error) *order.DecodeError {
	var de *order.DecodeError
	if errors.As(err, &de) {
		return de
	}
	return nil
}
