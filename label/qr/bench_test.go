package qr_test

import (
	"testing"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/dadanhq/dadan/label/qr"
)

var benchData = map[string]string{
	"tracking": "756123456789",
	"url":      "https://example.com/t?no=756123456789&c=ZTO",
	"chinese":  "浙江省杭州市余杭区五常街道文一西路969号 张三 13800138000",
	"v40":      repeat("0123456789", 7000),
}

func BenchmarkEncode(b *testing.B) {
	for _, name := range []string{"tracking", "url", "chinese", "v40"} {
		s := benchData[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := qr.Encode(s, qr.Low); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSkip2 measures github.com/skip2/go-qrcode on the same data, for
// comparison.
func BenchmarkSkip2(b *testing.B) {
	for _, name := range []string{"tracking", "url", "chinese", "v40"} {
		s := benchData[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				q, err := qrcode.New(s, qrcode.Low)
				if err != nil {
					b.Fatal(err)
				}
				q.DisableBorder = true
				_ = q.Bitmap()
			}
		})
	}
}
