package shipment_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dadanhq/dadan/shipment"
)

func TestNumberErrorUnwraps(t *testing.T) {
	err := fmt.Errorf("reprint: %w", &shipment.NumberError{TrackingNo: "75123", Err: shipment.ErrCollected})
	assert.ErrorIs(t, err, shipment.ErrCollected)
	assert.NotErrorIs(t, err, shipment.ErrUnknownNumber)
	var ne *shipment.NumberError
	assert.True(t, errors.As(err, &ne))
	assert.Equal(t, "75123", ne.TrackingNo)
}

func ExampleNumberError() {
	var err error = &shipment.NumberError{TrackingNo: "756123456789", Err: shipment.ErrCollected}
	fmt.Println(err)
	fmt.Println(errors.Is(err, shipment.ErrCollected))
	// Output:
	// shipment: waybill already collected by the courier: 756123456789
	// true
}
