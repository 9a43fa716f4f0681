package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/postgres"
	"github.com/dadanhq/dadan/store/sqlite"
	"github.com/dadanhq/dadan/store/storetest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQAPlan(t *testing.T) {
	cases := []struct {
		args []string
		want planLine
	}{
		{[]string{"--lot", "1000", "--aql", "2.5"}, planLine{"J", 80, 5, 6}},
		{[]string{"--lot", "1000", "--aql", "2.5", "--severity", "tightened"}, planLine{"J", 80, 3, 4}},
		{[]string{"--lot", "1000", "--aql", "2.5", "--severity", "reduced"}, planLine{"J", 32, 2, 3}},
		{[]string{"--lot", "1000", "--aql", "0.40", "--level", "II"}, planLine{"K", 125, 1, 2}},
		{[]string{"--lot", "10", "--aql", "0.065"}, planLine{"L", 10, 0, 1}}, // 200 ≥ the lot: all of it
		{[]string{"--lot", "600000", "--aql", "1.0", "--level", "S-3"}, planLine{"H", 50, 1, 2}},
	}
	for _, c := range cases {
		code, out, errOut := runCLI(t, "", append([]string{"qa", "plan", "--json"}, c.args...)...)
		require.Equal(t, 0, code, errOut)
		var got planLine
		require.NoError(t, json.Unmarshal([]byte(out), &got), out)
		assert.Equal(t, c.want, got, c.args)
	}
	for _, bad := range [][]string{
		{"--lot", "1000", "--aql", "3"},
		{"--lot", "1000"},
		{"--lot", "1", "--aql", "2.5"},
		{"--lot", "1000", "--aql", "2.5", "--level", "IV"},
		{"--lot", "1000", "--aql", "2.5", "--severity", "discontinued"},
	} {
		code, _, errOut := runCLI(t, "", append([]string{"qa", "plan"}, bad...)...)
		assert.Equal(t, exitUsage, code, bad)
		assert.NotEmpty(t, errOut)
	}
}

// qaDB makes a SQLite database with 120 printed orders by 3 operators on 2
// printers and returns its path.
func qaDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "qa.db")
	s, err := sqlite.Open(context.Background(), path, nil)
	require.NoError(t, err)
	qaOrders(t, s)
	require.NoError(t, s.Close())
	return path
}

// pgQADB is qaDB on a fresh PostgreSQL schema (see pgDB).
func pgQADB(t *testing.T) string {
	t.Helper()
	return pgDB(t, "cli_qa", func(s *postgres.Store) { qaOrders(t, s) })
}

// qaOrders stores the printed orders of qaDB in s.
func qaOrders(t *testing.T, s storetest.QAStore) {
	t.Helper()
	ctx := context.Background()
	day := time.Date(2026, 11, 11, 9, 0, 0, 0, time.Local)
	for i := range 120 {
		op := []string{"alice", "bob", "carol"}[i%3]
		prn := []string{"zebra-1", "zebra-2"}[i%2]
		require.NoError(t, storetest.PrintOrder(ctx, s, fmt.Sprintf("Q%03d", i), op, day.Add(time.Duration(i)*10*time.Minute),
			storetest.PrintedDoc{Kind: printer.Waybill, Template: "waybill-76x130", Version: "3", Printer: prn}))
	}
}

func sampleLines(t *testing.T, out string) []sampleLine {
	var ls []sampleLine
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var l sampleLine
		require.NoError(t, json.Unmarshal([]byte(line), &l), line)
		ls = append(ls, l)
	}
	return ls
}

func TestQASampleInspectReport(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { qaSampleInspectReport(t, qaDB(t)) })
	t.Run("postgres", func(t *testing.T) { qaSampleInspectReport(t, pgQADB(t)) })
}

// qaSampleInspectReport samples, inspects, records lots and reports on db
// (made by qaDB or pgQADB).
func qaSampleInspectReport(t *testing.T, db string) {
	code, out, errOut := runCLI(t, "", "qa", "sample", "--db", db, "--percent", "5", "--seed", "7", "--json")
	require.Equal(t, 0, code, errOut)
	ls := sampleLines(t, out)
	require.GreaterOrEqual(t, len(ls), 6, "⌈5 % × 120⌉")
	ops, prns := map[string]bool{}, map[string]bool{}
	for _, l := range ls {
		ops[l.Operator], prns[l.Printer] = true, true
		assert.NotEmpty(t, l.Order)
	}
	assert.Len(t, ops, 3)
	assert.Len(t, prns, 2)
	_, again, _ := runCLI(t, "", "qa", "sample", "--db", db, "--percent", "5", "--seed", "7", "--json")
	assert.Equal(t, out, again, "reproducible")

	// Period: the first day only (orders 0–89 are printed 09:00–23:50).
	code, out, errOut = runCLI(t, "", "qa", "sample", "--db", db, "--percent", "100", "--from", "2026-11-11", "--to", "2026-11-11", "--json")
	require.Equal(t, 0, code, errOut)
	assert.Len(t, sampleLines(t, out), 90)

	// Inspect: fail, rework fail, then pass.
	first := ls[0]
	code, out, errOut = runCLI(t, "", "qa", "inspect", "--db", db, "--order", first.Order, "--result", "fail",
		"--defect", "address:platform:major", "--defect", "blurred:printer:minor", "--inspector", "qc1", "--json")
	require.Equal(t, 0, code, errOut)
	var il inspectLine
	require.NoError(t, json.Unmarshal([]byte(out), &il))
	assert.Equal(t, inspectLine{ID: il.ID, Order: first.Order, Round: 1, Result: "fail", Operator: first.Operator,
		Printer: first.Printer, Template: "waybill-76x130@3", Rework: "open"}, il)
	code, out, _ = runCLI(t, "", "qa", "inspect", "--db", db, "--order", first.Order, "--result", "fail", "--defect", "address:operator:major", "--json")
	require.Equal(t, 0, code)
	require.NoError(t, json.Unmarshal([]byte(out), &il))
	assert.Equal(t, 2, il.Round)
	assert.Equal(t, "open", il.Rework)
	code, out, _ = runCLI(t, "", "qa", "inspect", "--db", db, "--order", first.Order, "--result", "pass", "--json")
	require.Equal(t, 0, code)
	require.NoError(t, json.Unmarshal([]byte(out), &il))
	assert.Equal(t, "closed", il.Rework)
	code, _, errOut = runCLI(t, "", "qa", "inspect", "--db", db, "--order", first.Order, "--result", "pass")
	assert.Equal(t, exitRefused, code, "a passed order is closed")
	assert.Contains(t, errOut, "already passed")
	for _, l := range ls[1:] {
		code, _, errOut := runCLI(t, "", "qa", "inspect", "--db", db, "--order", l.Order, "--result", "pass")
		require.Equal(t, 0, code, errOut)
	}

	// Refusals and usage errors.
	code, _, _ = runCLI(t, "", "qa", "inspect", "--db", db, "--order", "nope", "--result", "pass")
	assert.Equal(t, exitRefused, code)
	code, _, _ = runCLI(t, "", "qa", "inspect", "--db", db, "--order", ls[1].Order, "--result", "fail")
	assert.Equal(t, exitRefused, code, "a failure names its defects")
	code, _, _ = runCLI(t, "", "qa", "inspect", "--db", db, "--order", ls[1].Order, "--result", "fail", "--defect", "x:weather:major")
	assert.Equal(t, exitUsage, code)
	code, _, _ = runCLI(t, "", "qa", "inspect", "--db", db, "--order", ls[1].Order, "--result", "maybe")
	assert.Equal(t, exitUsage, code)
	code, _, _ = runCLI(t, "", "qa", "sample", "--db", db, "--percent", "0")
	assert.Equal(t, exitUsage, code)

	// Drawn again: the inspected orders are left out.
	code, out, _ = runCLI(t, "", "qa", "sample", "--db", db, "--percent", "5", "--seed", "7", "--json")
	require.Equal(t, 0, code)
	for _, l := range sampleLines(t, out) {
		for _, x := range ls {
			assert.NotEqual(t, x.Order, l.Order)
		}
	}

	// Lots
	for i, d := range []int{6, 6} {
		code, out, errOut = runCLI(t, "", "qa", "lot", "--db", db, "--lot-size", "1000", "--aql", "2.5", "--defects", fmt.Sprint(d), "--json")
		require.Equal(t, 0, code, errOut)
		var l lotLine
		require.NoError(t, json.Unmarshal([]byte(out), &l))
		want := lotLine{Severity: "normal", Code: "J", Sample: 80, Accept: 5, Reject: 6, Accepted: false, NextSeverity: "normal"}
		if i == 1 {
			want.NextSeverity = "tightened"
		}
		assert.Equal(t, want, l)
	}
	code, out, _ = runCLI(t, "", "qa", "lot", "--db", db, "--lot-size", "1000", "--aql", "2.5", "--defects", "3", "--json")
	require.Equal(t, 0, code)
	var l lotLine
	require.NoError(t, json.Unmarshal([]byte(out), &l))
	assert.Equal(t, lotLine{Severity: "tightened", Code: "J", Sample: 80, Accept: 3, Reject: 4, Accepted: true, NextSeverity: "tightened"}, l)
	code, _, _ = runCLI(t, "", "qa", "lot", "--db", db, "--lot-size", "1000", "--aql", "3", "--defects", "3")
	assert.Equal(t, exitUsage, code)
	code, _, _ = runCLI(t, "", "qa", "lot", "--db", db, "--lot-size", "1000", "--aql", "2.5", "--defects", "81")
	assert.Equal(t, exitRefused, code, "more defects than the sample")

	// Report
	for _, lang := range []string{"zh", "en"} {
		dir := filepath.Join(t.TempDir(), "report-"+lang)
		code, _, errOut = runCLI(t, "", "qa", "report", "--db", db, "--out", dir, "--lang", lang)
		require.Equal(t, 0, code, errOut)
		raw, err := os.ReadFile(filepath.Join(dir, "summary.json"))
		require.NoError(t, err)
		var sum struct {
			Printed, Inspected, Failed, Defects int
			Switching                           []json.RawMessage
		}
		require.NoError(t, json.Unmarshal(raw, &sum))
		assert.Equal(t, 120, sum.Printed)
		assert.Equal(t, len(ls), sum.Inspected)
		assert.Equal(t, 1, sum.Failed)
		assert.Equal(t, 2, sum.Defects)
		assert.Len(t, sum.Switching, 3)
		for _, f := range []string{"report.html", "pareto.svg", "pareto.png", "p_chart.svg", "p_chart.png", "switching.png"} {
			fi, err := os.Stat(filepath.Join(dir, f))
			require.NoError(t, err, f)
			assert.Positive(t, fi.Size())
		}
		page, err := os.ReadFile(filepath.Join(dir, "report.html"))
		require.NoError(t, err)
		if lang == "en" {
			assert.Contains(t, string(page), "Quality inspection report")
		} else {
			assert.Contains(t, string(page), "质检报告")
		}
	}
	code, _, _ = runCLI(t, "", "qa", "report", "--db", db)
	assert.Equal(t, exitUsage, code)
}
