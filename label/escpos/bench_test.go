package escpos

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkPackingListESCPOS renders a laid-out 80 mm packing list with 20 item rows.
func BenchmarkPackingListESCPOS(b *testing.B) {
	r, err := New(nil)
	require.NoError(b, err)
	doc := packingList(20)
	buf, err := r.AppendDocument(nil, doc)
	require.NoError(b, err)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf, err = r.AppendDocument(buf[:0], doc)
		if err != nil {
			b.Fatal(err)
		}
	}
}
