package seal_test

import (
	"testing"

	"github.com/dadanhq/dadan/store/seal"
)

// BenchmarkSeal and BenchmarkOpen: a typical order body (1 KB) and waybill (2 KB).
func BenchmarkSeal(b *testing.B) {
	r := ring(b, "k1", "k1")
	ad := seal.AD("orders.body", "TB2026111100000")
	for _, n := range []int{1024, 2048} {
		p := make([]byte, n)
		b.Run(byteSize(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for range b.N {
				_ = r.Seal(nil, p, ad)
			}
		})
	}
}

func BenchmarkOpen(b *testing.B) {
	r := ring(b, "k1", "k1")
	ad := seal.AD("orders.body", "TB2026111100000")
	for _, n := range []int{1024, 2048} {
		v := r.Seal(nil, make([]byte, n), ad)
		b.Run(byteSize(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for range b.N {
				if _, err := r.Open(nil, v, ad); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func byteSize(n int) string { return map[int]string{1024: "1KB", 2048: "2KB"}[n] }
