package review

import (
	"context"
	"testing"
)

// BenchmarkReviewOneLine reviews 100k generated orders whose province, city and
// district are empty and whose address holds the whole one-line address, as
// Douyin and PDD exports give them: review splits every address.
func BenchmarkReviewOneLine(b *testing.B) {
	const n = 100_000
	orders := generate(n, 0)
	for _, o := range orders {
		p := &o.Recipient
		p.Address = p.Province + p.City + p.District + p.Street + p.Address
		p.Province, p.City, p.District, p.Street = "", "", "", ""
	}
	e := benchEngine(b)
	ctx := context.Background()
	opts := &Options{DryRun: true}
	res, err := e.Review(ctx, orders[:1], opts)
	if err != nil || !hasCode(res[0].Findings, CodeAddressInferred) {
		b.Fatal(err, res)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.Review(ctx, orders, opts); err != nil {
			b.Fatal(err)
		}
	}
	perOrder := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / n
	b.ReportMetric(perOrder, "ns/order")
	b.ReportMetric(1e9/perOrder, "orders/s")
}
