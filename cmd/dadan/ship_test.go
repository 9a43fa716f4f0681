package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/store/postgres"
	"github.com/dadanhq/dadan/store/sqlite"
)

var shipT0 = time.Date(2026, 11, 11, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// shipDB makes a database with printed orders: P1 (ZTO 759900000101, two cups),
// P2 (ZTO 759900000102, a lid), P3 (YTO YT9900000000003, a cup) and R1
// (refunded after printing, ZTO 759900000109).
func shipDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "dadan.db")
	s, err := sqlite.Open(context.Background(), path, nil)
	require.NoError(t, err)
	defer s.Close()
	shipOrders(t, s)
	return path
}

// pgShipDB is shipDB on a fresh schema of the PostgreSQL at $DADAN_PG_DSN
// (dropped when the test ends); it skips the test without one.
func pgShipDB(t *testing.T) string {
	t.Helper()
	return pgDB(t, "cli_ship", func(s *postgres.Store) { shipOrders(t, s) })
}

// pgDB opens a fresh schema (named prefix and a number, dropped when the
// test ends) of the PostgreSQL at $DADAN_PG_DSN, fills it with fill and
// returns its --db URL; it skips the test without a PostgreSQL.
func pgDB(t *testing.T, prefix string, fill func(*postgres.Store)) string {
	t.Helper()
	dsn := os.Getenv("DADAN_PG_DSN")
	if dsn == "" {
		t.Skip("DADAN_PG_DSN is not set: no PostgreSQL to test against (.ci/run starts one)")
	}
	ctx := context.Background()
	schema := fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano())
	s, err := postgres.Open(ctx, dsn, &postgres.Options{Schema: schema})
	require.NoError(t, err)
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Logf("dropping schema %s: %v", schema, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE`); err != nil {
			t.Logf("dropping schema %s: %v", schema, err)
		}
	})
	defer s.Close()
	fill(s)
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "schema=" + schema
}

// shipOrders stores the orders of shipDB in s.
func shipOrders(t *testing.T, s order.Store) {
	t.Helper()
	ctx := context.Background()
	mk := func(id, carrier, no string, st order.Status, items ...order.Item) {
		o := &order.Order{ID: id, Platform: order.Taobao, Carrier: carrier, PaidAt: shipT0, Status: st,
			Recipient: order.Party{Name: "张三", Phone: "13800138000", Province: "浙江省", City: "杭州市",
				District: "余杭区", Address: "文一西路969号"},
			Items: items, Total: decimal.RequireFromString("109.80"), Waybill: &order.Waybill{TrackingNo: no}}
		require.NoError(t, s.CreateOrder(ctx, o))
	}
	cup := order.Item{SKU: "CUP-500-W", Barcode: "6901234567892", Name: "保温杯", Qty: 2, UnitPrice: decimal.RequireFromString("54.90")}
	lid := order.Item{SKU: "LID-1", Name: "杯盖", Qty: 1, UnitPrice: decimal.RequireFromString("5")}
	one := cup
	one.Qty = 1
	mk("P1", "ZTO", "759900000101", order.Printed, cup)
	mk("P2", "ZTO", "759900000102", order.Printed, lid)
	mk("P3", "YTO", "YT9900000000003", order.Printed, one)
	mk("R1", "ZTO", "759900000109", order.Cancelled, one)
}

// jsonLines decodes each line of out into a map.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var rs []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), sc.Text())
		rs = append(rs, m)
	}
	return rs
}

func TestVerifyCLI(t *testing.T) {
	db := shipDB(t)
	code, out, errOut := runCLI(t, "759900000101\n6901234567892\nCUP-500-W\n.\n", "verify", "--db", db, "--json")
	require.Equal(t, exitOK, code, errOut)
	rs := jsonLines(t, out)
	require.Len(t, rs, 1)
	assert.Equal(t, "759900000101", rs[0]["tracking_no"])
	assert.Equal(t, "P1", rs[0]["order"])
	assert.Equal(t, "ok", rs[0]["result"])
	assert.Equal(t, []any{}, rs[0]["missing"], "an array, never null")
	assert.Equal(t, []any{}, rs[0]["extra"])

	code, out, _ = runCLI(t, "", "orders", "--db", db, "--status", "verified", "--json")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, `"id":"P1"`)

	// A wrong item, a refunded order, an unknown number and a 10 MB line.
	in := "759900000102\r\n6901234567892\n" + "759900000109\nCUP-500-W\n" + "SF9912345678901\n" +
		strings.Repeat("9", 10<<20) + "\n.\n"
	code, out, errOut = runCLI(t, in, "verify", "--db", db, "--json")
	require.Equal(t, exitRefused, code, errOut)
	rs = jsonLines(t, out)
	require.Len(t, rs, 3)
	assert.Equal(t, "mismatch", rs[0]["result"])
	assert.Equal(t, []any{map[string]any{"sku": "LID-1", "qty": 1.0}}, rs[0]["missing"])
	assert.Equal(t, []any{map[string]any{"sku": "6901234567892", "qty": 1.0}}, rs[0]["extra"])
	assert.Equal(t, "blocked", rs[1]["result"])
	assert.Equal(t, "R1", rs[1]["order"])
	assert.Equal(t, "unknown", rs[2]["result"])
	assert.Equal(t, "SF9912345678901", rs[2]["tracking_no"])
	assert.Less(t, len(out), 4096, "the long line is not echoed")

	code, out, _ = runCLI(t, "759900000102\nLID-1\n", "verify", "--db", db)
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "ok")
	code, _, _ = runCLI(t, "", "verify", "--db", db, "extra-arg")
	assert.Equal(t, exitUsage, code)
}

func TestHandoverCLI(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (poppler-utils)")
	}
	db := shipDB(t)
	code, _, errOut := runCLI(t, "759900000101\nCUP-500-W\nCUP-500-W\n759900000102\nLID-1\n", "verify", "--db", db)
	require.Equal(t, exitOK, code, errOut)
	out := t.TempDir()
	scans := filepath.Join(out, "scans.txt")
	require.NoError(t, os.WriteFile(scans, []byte("759900000101\r\n759900000109\n\n"), 0o644))
	code, stdout, errOut := runCLI(t, "", "handover", "--db", db, "--carrier", "ZTO", "--out", out, "--scans", scans, "--json")
	require.Equal(t, exitRefused, code, "a parcel missing and one unknown: %s", errOut)
	rs := jsonLines(t, stdout)
	require.Len(t, rs, 1)
	r := rs[0]
	assert.Equal(t, "ZTO", r["carrier"])
	assert.Equal(t, "001", r["batch"])
	assert.Equal(t, 1.0, r["parcels"])
	assert.Equal(t, []any{"759900000102"}, r["missing"])
	assert.Equal(t, []any{"759900000109"}, r["unknown"])
	assert.Contains(t, errOut, "759900000109")

	matches, err := filepath.Glob(filepath.Join(out, "ZTO-*-001.csv"))
	require.NoError(t, err)
	require.Len(t, matches, 1)
	f, err := os.Open(matches[0])
	require.NoError(t, err)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, "tracking_no", rows[0][1])
	assert.Equal(t, "759900000101", rows[1][1])
	pdfPath := strings.TrimSuffix(matches[0], ".csv") + ".pdf"
	text, err := exec.Command("pdftotext", "-enc", "UTF-8", pdfPath, "-").Output()
	require.NoError(t, err)
	assert.Contains(t, string(text), "759900000101")
	assert.Contains(t, string(text), "快递交接单")

	code, stdout, _ = runCLI(t, "", "orders", "--db", db, "--status", "shipped", "--json")
	require.Equal(t, exitOK, code)
	assert.Contains(t, stdout, `"id":"P1"`)
	assert.NotContains(t, stdout, `"id":"P2"`)

	// Without scans the rest goes: batch 002.
	code, stdout, errOut = runCLI(t, "", "handover", "--db", db, "--carrier", "ZTO", "--out", out, "--json")
	require.Equal(t, exitOK, code, errOut)
	r = jsonLines(t, stdout)[0]
	assert.Equal(t, "002", r["batch"])
	assert.Equal(t, 1.0, r["parcels"])
	assert.Equal(t, []any{}, r["missing"])
	code, _, _ = runCLI(t, "", "handover", "--db", db, "--out", out)
	assert.Equal(t, exitUsage, code)
}

func TestTrackAndShipmentsCLI(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { trackAndShipments(t, shipDB(t)) })
	t.Run("postgres", func(t *testing.T) { trackAndShipments(t, pgShipDB(t)) })
}

// trackAndShipments verifies and hands over the parcels of db (made by
// shipDB or pgShipDB), applies tracking pushes to them and lists them.
func trackAndShipments(t *testing.T, db string) {
	code, _, errOut := runCLI(t, "759900000101\nCUP-500-W\nCUP-500-W\n759900000102\nLID-1\n", "verify", "--db", db)
	require.Equal(t, exitOK, code, errOut)
	code, _, errOut = runCLI(t, "", "handover", "--db", db, "--carrier", "ZTO", "--out", t.TempDir())
	require.Equal(t, exitOK, code, errOut)

	push := `{"lastResult":{"nu":"759900000101","state":"3","data":[{"context":"已签收","time":"2026-11-13 09:30:00"},{"context":"派件中","time":"2026-11-13 08:00:00","status":"派件"}]}}`
	lines := push + "\n" +
		`{"tracking_no":"759900000102","time":"2026-11-12T20:00:00+08:00","status":"在途","text":"已发往杭州"}` + "\n" +
		push + "\n" + // again
		`{"tracking_no":"NOPE123","time":"2026-11-12 20:00:00","status":"在途","text":"x"}` + "\n" +
		`{"tracking_no":` + "\n"
	events := filepath.Join(t.TempDir(), "events.jsonl")
	require.NoError(t, os.WriteFile(events, []byte(lines), 0o644))
	code, out, errOut := runCLI(t, "", "track", "--db", db, "--events", events, "--json")
	assert.Equal(t, exitRefused, code, "an unknown number and a bad line")
	assert.Contains(t, errOut, "line 5")
	rs := jsonLines(t, out)
	require.Len(t, rs, 6)
	assert.Equal(t, "moved", rs[0]["result"])
	assert.Equal(t, "delivered", rs[0]["state"])
	assert.Equal(t, "stored", rs[1]["result"], "the older step is kept, not applied")
	assert.Equal(t, "moved", rs[2]["result"])
	assert.Equal(t, "repeat", rs[3]["result"])
	assert.Equal(t, "repeat", rs[4]["result"])
	assert.Equal(t, "unknown", rs[5]["result"])

	code, out, _ = runCLI(t, "", "shipments", "--db", db, "--json")
	require.Equal(t, exitOK, code)
	rs = jsonLines(t, out)
	byNo := map[string]map[string]any{}
	for _, r := range rs {
		byNo[r["tracking_no"].(string)] = r
	}
	require.Contains(t, byNo, "759900000101")
	assert.Equal(t, "delivered", byNo["759900000101"]["state"])
	assert.Equal(t, "P1", byNo["759900000101"]["order"])
	assert.Equal(t, "ZTO", byNo["759900000101"]["carrier"])
	assert.NotEmpty(t, byNo["759900000101"]["updated_at"])
	assert.Equal(t, "in_transit", byNo["759900000102"]["state"])
	assert.Equal(t, "label_printed", byNo["YT9900000000003"]["state"])
	code, out, _ = runCLI(t, "", "shipments", "--db", db, "--state", "delivered", "--json")
	require.Equal(t, exitOK, code)
	assert.Len(t, jsonLines(t, out), 1)
	code, _, _ = runCLI(t, "", "shipments", "--db", db, "--state", "flying")
	assert.Equal(t, exitUsage, code)
}

func TestProblemsCLI(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { problemsCLI(t, shipDB(t)) })
	t.Run("postgres", func(t *testing.T) { problemsCLI(t, pgShipDB(t)) })
}

// problemsCLI opens a problem on a handed-over parcel of db, takes its claim
// to paid, and lists and reports it.
func problemsCLI(t *testing.T, db string) {
	code, _, errOut := runCLI(t, "759900000101\nCUP-500-W\nCUP-500-W\n759900000102\nLID-1\n", "verify", "--db", db)
	require.Equal(t, exitOK, code, errOut)
	code, _, errOut = runCLI(t, "", "handover", "--db", db, "--carrier", "ZTO", "--out", t.TempDir())
	require.Equal(t, exitOK, code, errOut)

	code, out, errOut := runCLI(t, "", "problems", "open", "--db", db, "--tracking", "759900000101", "--kind", "lost", "--detail", "网点找不到")
	require.Equal(t, exitOK, code, errOut)
	id := strings.TrimSpace(out)
	require.NotEmpty(t, id)
	code, _, errOut = runCLI(t, "", "problems", "open", "--db", db, "--tracking", "YT9900000000003", "--kind", "lost")
	assert.Equal(t, exitRefused, code, "not handed over: %s", errOut)
	code, _, _ = runCLI(t, "", "problems", "claim", "--db", db, "--id", id, "--submit", "C1")
	assert.Equal(t, exitRefused, code, "no claim to submit yet")
	for _, step := range [][]string{{"--start"}, {"--submit", "ZTO-C-77"}, {"--paid", "100.00", "--note", "partial"}} {
		code, _, errOut = runCLI(t, "", append([]string{"problems", "claim", "--db", db, "--id", id}, step...)...)
		require.Equal(t, exitOK, code, "%v: %s", step, errOut)
	}
	code, _, _ = runCLI(t, "", "problems", "claim", "--db", db, "--id", id, "--start", "--reject")
	assert.Equal(t, exitUsage, code)

	code, out, _ = runCLI(t, "", "problems", "--db", db, "--carrier", "ZTO", "--json")
	require.Equal(t, exitOK, code)
	rs := jsonLines(t, out)
	require.Len(t, rs, 1)
	assert.Equal(t, id, rs[0]["id"])
	assert.Equal(t, "lost", rs[0]["kind"])
	assert.Equal(t, "paid", rs[0]["claim"])
	assert.Equal(t, "109.80", rs[0]["amount"], "the declared value")
	assert.Equal(t, "100.00", rs[0]["paid"])
	assert.Equal(t, true, rs[0]["resolved"])
	assert.Equal(t, "P1", rs[0]["order"])
	code, out, _ = runCLI(t, "", "problems", "--db", db, "--carrier", "YTO", "--json")
	require.Equal(t, exitOK, code)
	assert.Empty(t, out)

	code, out, _ = runCLI(t, "", "problems", "report", "--db", db, "--json")
	require.Equal(t, exitOK, code)
	rs = jsonLines(t, out)
	require.Len(t, rs, 1)
	assert.Equal(t, "ZTO", rs[0]["carrier"])
	assert.Equal(t, 2.0, rs[0]["parcels"])
	assert.Equal(t, 500.0, rs[0]["per_1000"].(map[string]any)["lost"])
	assert.Equal(t, "109.80", rs[0]["claimed"])
	assert.Equal(t, "100.00", rs[0]["paid"])
	code, out, _ = runCLI(t, "", "problems", "report", "--db", db)
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "ZTO")
	code, _, _ = runCLI(t, "", "problems", "bogus", "--db", db)
	assert.Equal(t, exitUsage, code)
	code, _, _ = runCLI(t, "", "problems", "delays", "--db", db, "--carrier-after", "SF")
	assert.Equal(t, exitUsage, code)
	code, _, _ = runCLI(t, "", "problems", "delays", "--db", db, "--after", "1ns")
	assert.Equal(t, exitOK, code)
}

func TestAmendCLI(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { amendCLI(t, shipDB(t)) })
	t.Run("postgres", func(t *testing.T) { amendCLI(t, pgShipDB(t)) })
}

// amendCLI changes the recipient of a printed order of db: it gets a new
// label, and the old one is voided and blocked at verification.
func amendCLI(t *testing.T, db string) {
	dir := t.TempDir()
	file := filepath.Join(dir, "to.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"name":"李四","phone":"13911112222","province":"江苏省","city":"南京市","district":"玄武区","address":"中山路1号","floor":"3"}`), 0o644))
	code, out, errOut := runCLI(t, "", "amend", "--db", db, "--order", "P2", "--recipient", file, "--reason", "buyer moved", "--json")
	require.Equal(t, exitOK, code, errOut)
	r := jsonLines(t, out)[0]
	assert.Equal(t, "relabelled", r["action"])
	assert.Equal(t, "approved", r["status"])
	assert.Equal(t, "759900000102", r["old_tracking_no"])
	newNo := r["new_tracking_no"].(string)
	assert.NotEqual(t, "759900000102", newNo)

	code, out, _ = runCLI(t, "", "orders", "--db", db, "--order", "P2")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "李四")
	assert.Contains(t, out, `"floor": "3"`, "unknown fields of the recipient are kept")
	assert.Contains(t, out, newNo)

	code, out, _ = runCLI(t, "759900000102\nLID-1\n", "verify", "--db", db, "--json")
	assert.Equal(t, exitRefused, code)
	assert.Equal(t, "blocked", jsonLines(t, out)[0]["result"], "the old label is blocked")
	code, out, _ = runCLI(t, "", "shipments", "--db", db, "--state", "voided", "--json")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "759900000102")

	code, _, errOut = runCLI(t, "", "amend", "--db", db, "--order", "R1", "--recipient", file, "--reason", "x")
	assert.Equal(t, exitRefused, code, "a cancelled order: %s", errOut)
	code, _, _ = runCLI(t, "", "amend", "--db", db, "--order", "NOPE", "--recipient", file, "--reason", "x")
	assert.Equal(t, exitRefused, code)
	require.NoError(t, os.WriteFile(file, []byte(`["not an object"]`), 0o644))
	code, _, _ = runCLI(t, "", "amend", "--db", db, "--order", "P1", "--recipient", file, "--reason", "x")
	assert.Equal(t, exitRefused, code)
	code, _, _ = runCLI(t, "", "amend", "--db", db, "--order", "P1", "--recipient", file)
	assert.Equal(t, exitUsage, code)
}
