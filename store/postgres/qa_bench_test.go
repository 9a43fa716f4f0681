package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/dadanhq/dadan/store/postgres"
)

// fillPrinted writes n printed orders straight into the tables of s: a
// printed event and a first-copy waybill job each, 20 operators and 10
// printers over 30 days, every 100th order printed twice. It analyzes the
// tables, as autovacuum would.
func fillPrinted(b *testing.B, s *postgres.Store, n int) {
	ctx := context.Background()
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	c := admin(b)
	sc := s.Schema()
	for _, q := range []string{
		`INSERT INTO ` + sc + `.journal (seq, at, actor, order_id, action, from_status, to_status, detail)
			SELECT g, $1::timestamptz + g * (interval '30 days' / $2), 'op' || (g % 20),
				'B' || (CASE WHEN g % 100 = 0 THEN g - 1 ELSE g END), 'printed', 'approved', 'printed',
				'waybill waybill-76x130@3 sha256:' || lpad(to_hex(g), 12, '0')
			FROM generate_series(1, $2) g`,
		`INSERT INTO ` + sc + `.jobs (id, key_order, key_doc, key_template, key_version, key_copy, printer, data, media_length,
				state, seq, owner, attempts, print_count, reprint, reprint_reason, rerender, hash, revision,
				created_at, updated_at, sent_at, printed_at, last_error)
			SELECT 'J' || g, 'B' || g, 'waybill', 'waybill-76x130', '3', 1, 'zebra-' || (g % 10), '\x00', 130,
				'printed', g, '', 1, 1, false, '', false, 'sha256:' || lpad(to_hex(g), 64, '0'), 1, $1, $1, $1, $1, ''
			FROM generate_series(1, $2) g`,
		`ANALYZE ` + sc + `.journal`,
		`ANALYZE ` + sc + `.jobs`,
	} {
		args := []any{day, n}
		if q[0] == 'A' {
			args = nil
		}
		if _, err := c.Exec(ctx, q, args...); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQAPrinted reads the printed orders of 100 000 prints (Printed,
// Roster) and counts them.
func BenchmarkQAPrinted(b *testing.B) {
	const n = 100_000
	s := open(b, "", nil)
	fillPrinted(b, s, n)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		run  func() (int, error)
	}{
		{"Printed", func() (int, error) {
			k := 0
			for _, err := range s.Printed(ctx, time.Time{}, time.Time{}) {
				if err != nil {
					return 0, err
				}
				k++
			}
			return k, nil
		}},
		{"Roster", func() (int, error) {
			k := 0
			for _, err := range s.Roster(ctx, time.Time{}, time.Time{}) {
				if err != nil {
					return 0, err
				}
				k++
			}
			return k, nil
		}},
		{"CountPrinted", func() (int, error) { return s.CountPrinted(ctx, time.Time{}, time.Time{}) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				k, err := bc.run()
				if err != nil {
					b.Fatal(err)
				}
				if want := n - n/100; k != want {
					b.Fatalf("%d orders, want %d", k, want)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/n, "µs/order")
		})
	}
}
