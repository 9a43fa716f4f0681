package order_test

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/dadanhq/dadan/internal/sample"
	"github.com/dadanhq/dadan/order"
	"github.com/stretchr/testify/require"
)

var sampleTime = time.Date(2026, 11, 11, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// FuzzDecode feeds arbitrary input to the streaming decoder: it must never panic,
// every error must be typed, and every order it accepts must survive an encode and
// decode round trip unchanged.
func FuzzDecode(f *testing.F) {
	for _, line := range bytes.Split(sample.Orders, []byte("\n")) {
		f.Add(line)
	}
	f.Add([]byte(`[{"id":"a"},{"id":"b","items":[{"qty":1}]}]`))
	f.Add([]byte("{\"id\":\"\\ud83d\\ude00\",\"x\":[[[]]]}\n\n{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := order.NewDecoder(bytes.NewReader(data))
		d.MaxRecord = 1 << 16
		for i := 0; i < 1000; i++ {
			var o order.Order
			err := d.Decode(&o)
			if err == io.EOF {
				return
			}
			if err != nil {
				var de *order.DecodeError
				if !errors.As(err, &de) && !errors.Is(err, order.ErrSyntax) {
					t.Fatalf("untyped error: %v", err)
				}
				continue
			}
			out := order.AppendJSON(nil, &o)
			var back order.Order
			require.NoError(t, order.Unmarshal(out, &back), "re-decode %s", out)
			require.Equal(t, string(out), string(order.AppendJSON(nil, &back)))
		}
	})
}
