package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order/ordertest"
	"github.com/dadanhq/dadan/printer/printertest"
)

// TestStationsSharePostgres runs three `dadan print` processes at once on one
// PostgreSQL database, each with its own printers: every order's documents
// print once, all of them at one station.
func TestStationsSharePostgres(t *testing.T) {
	dsn := os.Getenv("DADAN_PG_DSN")
	if dsn == "" {
		t.Skip("DADAN_PG_DSN is not set: no PostgreSQL to share (.ci/run starts one)")
	}
	if testing.Short() {
		t.Skip("not with -short")
	}
	bin, err := buildCLI()
	require.NoError(t, err)
	schema := fmt.Sprintf("cli_stations_%d", time.Now().UnixNano()%1_000_000_000)
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	db := dsn + sep + "schema=" + schema
	dir := t.TempDir()
	orders := filepath.Join(dir, "orders.jsonl")
	var in bytes.Buffer
	require.NoError(t, ordertest.New(11).WriteJSONL(&in, 300))
	require.NoError(t, os.WriteFile(orders, in.Bytes(), 0o644))
	p := start(t, bin, "ingest", "--db", db, "--orders", orders)
	<-p.done
	require.Contains(t, []int{0, 1}, p.code, p.stderr.String())

	type station struct {
		zebra, receipt *printertest.Printer
		proc           *proc
	}
	var sts []*station
	for i := range 3 {
		z, err := printertest.New(nil)
		require.NoError(t, err)
		defer z.Close()
		r, err := printertest.New(&printertest.Options{Language: printertest.ESCPOS})
		require.NoError(t, err)
		defer r.Close()
		st := &station{zebra: z, receipt: r}
		st.proc = start(t, bin, "print", "--db", db, "--station", fmt.Sprintf("st%d", i), "--timeout", "90s",
			"--printer", "waybill=tcp://"+z.Addr(), "--printer", "packing=tcp://"+r.Addr()+"?lang=escpos")
		sts = append(sts, st)
	}
	for _, st := range sts {
		<-st.proc.done
		assert.Equal(t, 0, st.proc.code, st.proc.stderr.String())
	}
	var ords []orderLine
	for _, l := range cliLines(t, bin, "orders", "--db", db, "--json") {
		var o orderLine
		require.NoError(t, json.Unmarshal([]byte(l), &o))
		ords = append(ords, o)
	}
	printed := 0
	for _, o := range ords {
		if o.Status != "printed" {
			assert.NotEqual(t, "approved", o.Status, "%s left approved", o.ID)
			continue
		}
		printed++
		where := map[int]int{}
		for i, st := range sts {
			for _, j := range st.zebra.Printed() {
				if bytes.Contains(j.Data, []byte(o.TrackingNo)) {
					where[i] += 1
				}
			}
			for _, j := range st.receipt.Printed() {
				if bytes.Contains(j.Data, []byte(o.ID)) {
					where[i] += 10
				}
			}
		}
		require.Len(t, where, 1, "%s printed at one station: %v", o.ID, where)
		for _, n := range where {
			assert.Equal(t, 11, n, "%s: its waybill and its packing list, once each", o.ID)
		}
	}
	require.Greater(t, printed, 200)
	busy := 0
	for _, st := range sts {
		if len(st.zebra.Printed()) > 0 {
			busy++
		}
	}
	t.Logf("%d orders printed; stations with work: %d", printed, busy)
}
