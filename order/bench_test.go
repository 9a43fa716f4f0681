package order_test

import (
	"bytes"
	"io"
	"runtime"
	"testing"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/order/ordertest"
)

func genJSONL(b testing.TB, n int) []byte {
	var buf bytes.Buffer
	if err := ordertest.New(1).WriteJSONL(&buf, n); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkDecode decodes 100k generated orders from JSON Lines.
func BenchmarkDecode(b *testing.B) {
	data := genJSONL(b, 100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		d := order.NewDecoder(bytes.NewReader(data))
		var o order.Order
		n := 0
		for {
			err := d.Decode(&o)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 100_000 {
			b.Fatal(n)
		}
	}
	b.ReportMetric(float64(100_000*b.N)/b.Elapsed().Seconds(), "orders/s")
}

// BenchmarkEncode encodes one generated order.
func BenchmarkEncode(b *testing.B) {
	o := ordertest.New(1).Order()
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		buf = order.AppendJSON(buf[:0], o)
	}
}

// genReader streams n generated orders without holding them.
type genReader struct {
	g   *ordertest.Generator
	n   int
	o   order.Order
	buf []byte
	off int
}

func (r *genReader) Read(p []byte) (int, error) {
	for r.off == len(r.buf) {
		if r.n == 0 {
			return 0, io.EOF
		}
		r.n--
		r.g.OrderInto(&r.o)
		r.buf = append(order.AppendJSON(r.buf[:0], &r.o), '\n')
		r.off = 0
	}
	n := copy(p, r.buf[r.off:])
	r.off += n
	return n, nil
}

// streamPeak decodes n streamed orders and returns the largest heap seen.
func streamPeak(tb testing.TB, n int) (peak uint64) {
	d := order.NewDecoder(&genReader{g: ordertest.New(9), n: n})
	var o order.Order
	var ms runtime.MemStats
	for i := 0; ; i++ {
		err := d.Decode(&o)
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		if i%50_000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	return peak
}

// BenchmarkDecodeStream1M streams a million orders and reports the peak heap.
func BenchmarkDecodeStream1M(b *testing.B) {
	for b.Loop() {
		peak := streamPeak(b, 1_000_000)
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	}
}

func TestStreamingMemoryIsFlat(t *testing.T) {
	n := 100_000
	if testing.Short() {
		n = 20_000
	}
	small := streamPeak(t, n/10)
	large := streamPeak(t, n)
	// Ten times the orders may not need much more memory: the decoder holds one.
	if large > small+8<<20 {
		t.Fatalf("heap grew from %d to %d bytes", small, large)
	}
}
