package zpl

import "testing"

func BenchmarkFontLacks(b *testing.B) {
	r, _ := New(nil)
	s := "浙江省杭州市余杭区五常街道文一西路1号 仓储中心3号库 收件人张伟 16709145341 物品：真空保温杯 500ml 白色 ×1"
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		if _, ok := r.fontLacks(s, false); ok {
			b.Fatal("lacks")
		}
	}
}
