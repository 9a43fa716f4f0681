package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/printer"
)

// copyTemplate writes the standard template std renamed to name, with kind set
// (or removed when kind is ""), and returns its path.
func copyTemplate(t *testing.T, std, name, kind string) string {
	t.Helper()
	tpl, err := label.Standard(std)
	require.NoError(t, err)
	c := *tpl
	c.Name, c.Kind = name, kind
	b, err := c.MarshalJSON()
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), name+".json")
	require.NoError(t, os.WriteFile(path, b, 0o644))
	return path
}

// TestRenderTemplateKind: a copy of product-60x40 named shelf-label prints product
// labels because its JSON says so, not because of its name.
func TestRenderTemplateKind(t *testing.T) {
	in := `{"id":"K1","carrier":"ZTO","items":[{"sku":"SKU-1","name":"杯子","qty":2,"barcode":"6901234567892"}]}`
	shelf := copyTemplate(t, "product-60x40", "shelf-label", "product_label")
	out := t.TempDir()
	code, stdout, errOut := runCLI(t, in, "render", "--orders", "-", "--template", shelf, "--format", "zpl", "--out", out)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, stdout, "1 files written")
	assert.NotContains(t, errOut, "test numbers", "a product label needs no waybill number")
	b, err := os.ReadFile(filepath.Join(out, "K1.zpl"))
	require.NoError(t, err)
	assert.Contains(t, string(b), "SKU-1")

	// A file written before "kind" falls back to the name: shelf-label is taken for a waybill.
	old := copyTemplate(t, "product-60x40", "shelf-label", "")
	code, _, errOut = runCLI(t, in, "render", "--orders", "-", "--template", old, "--format", "zpl", "--out", t.TempDir())
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "item.sku")

	// A kind that is not one is refused when the template is read.
	bad := copyTemplate(t, "product-60x40", "shelf-label", "shelf")
	code, _, errOut = runCLI(t, in, "render", "--orders", "-", "--template", bad, "--format", "zpl", "--out", t.TempDir())
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `kind "shelf"`)
}

// TestPrintTemplateKindMismatch: print --template label=NAME refuses a template
// whose JSON says it prints waybills.
func TestPrintTemplateKindMismatch(t *testing.T) {
	db := filepath.Join(t.TempDir(), "d.db")
	wb := copyTemplate(t, "waybill-76x130", "shelf-label", "waybill")
	code, _, errOut := runCLI(t, "", "print", "--db", db, "--printer", "label=file://"+t.TempDir(), "--template", "label="+wb)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "prints waybill documents, not label")
	assert.False(t, strings.Contains(errOut, "print: print:"))
}

// TestCarriers lists the codes; an unknown one gets an OTHER number with a warning,
// and --strict refuses it.
func TestCarriers(t *testing.T) {
	code, out, _ := runCLI(t, "", "carriers")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "ZTO    中通快递\n")
	assert.Contains(t, out, "YUNDA  韵达快递\n")
	code, out, _ = runCLI(t, "", "carriers", "--json")
	require.Equal(t, 0, code)
	assert.Contains(t, out, `{"code":"EMS","name":"中国邮政 EMS"}`)

	in := `{"id":"Y1","carrier":"YD","items":[{"sku":"A","qty":1}]}`
	code, _, errOut := runCLI(t, in, "render", "--orders", "-", "--template", "waybill-76x130", "--format", "zpl", "--out", t.TempDir())
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, `order Y1: unknown carrier "YD", given an OTHER test number`)
	code, _, errOut = runCLI(t, in, "render", "--orders", "-", "--template", "waybill-76x130", "--format", "zpl", "--out", t.TempDir(), "--strict")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, `refused: line 1: order Y1: unknown carrier "YD"`)
}

// TestReviewTableAligned: in Chinese the findings start at the same terminal
// column whatever the outcome's name (驳回, 待处理) and the order id.
func TestReviewTableAligned(t *testing.T) {
	assert.Equal(t, 6, displayWidth("待处理"))
	assert.Equal(t, 2, displayWidth("e\u0301x"), "a combining mark takes no column")
	assert.Equal(t, "驳回   |", pad("驳回", 7)+"|")
	assert.Equal(t, "toolong", pad("toolong", 3))

	in := `{"id":"订单一","total":"1.00","recipient":{"name":"张三","phone":"13800138000","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路 1 号"},"items":[{"sku":"A","qty":1,"unit_price":"9.00"}]}
{"id":"B2","total":"1.00","items":[]}`
	code, out, errOut := runCLI(t, in, "review", "--orders", "-", "--lang", "zh")
	require.NotEqual(t, 2, code, errOut)
	n := 0
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) < 3 || !strings.Contains("通过 待处理 驳回", f[1]) {
			continue
		}
		n++
		at := strings.Index(l, f[1]) + len(f[1])
		at += strings.Index(l[at:], f[2])
		assert.Equal(t, 18+1+7+2, displayWidth(l[:at]), "findings column of %q", l)
	}
	assert.Equal(t, 2, n, out)
}

// TestMessagesSaidOnce: no prefix is said twice, and a bad --sort names the values.
func TestMessagesSaidOnce(t *testing.T) {
	orders := filepath.Join(t.TempDir(), "o.jsonl")
	require.NoError(t, os.WriteFile(orders, []byte(`{"id":"M1","items":[{"sku":"A","qty":1}]}`), 0o644))
	code, _, errOut := runCLI(t, "", "print", "--printer", "bogus://x", orders)
	assert.Equal(t, 2, code)
	assert.Equal(t, "dadan: print: bad printer URL: unknown scheme \"bogus\" (want tcp, serial, file, cups or ipp)\n", errOut)

	code, _, errOut = runCLI(t, "", "status", "--printer", "tcp://127.0.0.1:1")
	assert.Equal(t, 1, code)
	assert.Equal(t, 1, strings.Count(errOut, "dial"), errOut)
	assert.Contains(t, errOut, "tcp: dial 127.0.0.1:1: connect: connection refused")

	code, _, errOut = runCLI(t, "", "render", "--orders", orders, "--template", "packing-80mm", "--format", "zpl", "--out", t.TempDir(), "--sort", "price")
	assert.Equal(t, 2, code)
	assert.Equal(t, "dadan: render: --sort \"price\": want sku, location or name\n", errOut)

	dir := t.TempDir()
	code, out, errOut := runCLI(t, "", "print", "--printer", "file://"+dir, orders)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "jobs: 0 printed, 1 sent to printers that report no status\n", out)
	assert.NotContains(t, out+errOut, "1 jobs")
}

// TestStatusJSONRaw: CUPS status JSON carries no IPP bytes; a ZPL reply is text,
// an ESC/POS status byte hex.
func TestStatusJSONRaw(t *testing.T) {
	ipp := printer.Status{States: printer.PaperOut | printer.Paused, Raw: []byte{0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x47}}
	got := string(statusJSON("cups://zebra", ipp))
	assert.Equal(t, `{"printer":"cups://zebra","ready":false,"states":["paper out","paused"]}`, got)
	got = string(statusJSON("ipp://h:631/printers/q", ipp))
	assert.NotContains(t, got, "raw")
	got = string(statusJSON("tcp://h:9100", printer.Status{Raw: []byte("\x02030,0,0\x03\r\n")}))
	assert.Contains(t, got, `"raw":"\u0002030,0,0\u0003\r\n"`)
	got = string(statusJSON("tcp://h:9100?lang=escpos", printer.Status{Raw: []byte{0x12}}))
	assert.Contains(t, got, `"raw_hex":"12"`)
}

// TestPrintSpoolFileNames: print --db to a file printer names each spool file by
// order and document kind, with the mode the URL asks for.
func TestPrintSpoolFileNames(t *testing.T) {
	db := filepath.Join(t.TempDir(), "d.db")
	in := `{"id":"S1","platform":"taobao","shop":"某店","paid_at":"2026-11-11T10:00:00+08:00","total":"10.00","carrier":"ZTO","recipient":{"name":"张三","phone":"13800138000","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路 1 号"},"sender":{"name":"某店","phone":"0571-88888888","province":"浙江省","city":"杭州市","district":"余杭区","address":"仓前街道 2 号"},"items":[{"sku":"A","name":"杯子","qty":1,"unit_price":"10.00","barcode":"6901234567892"}]}`
	code, _, errOut := runCLI(t, in, "ingest", "--db", db, "--orders", "-")
	require.Equal(t, 0, code, errOut)
	dir := t.TempDir()
	code, _, errOut = runCLI(t, "", "print", "--db", db, "--printer", "waybill=file://"+dir+"?mode=0644", "--timeout", "30s")
	require.Equal(t, 0, code, errOut)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Regexp(t, `^000000000001-S1-waybill-\d{8}T\d{6}\.\d{9}Z\.prn$`, entries[0].Name())
	fi, err := entries[0].Info()
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())

	code, _, errOut = runCLI(t, "", "status", "--printer", "file://"+dir+"?mode=rw")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `mode="rw"`)
}

// TestRenderPrintsLayoutWarnings: an address cut short on a waybill is said on
// stderr with the order and line.
func TestRenderPrintsLayoutWarnings(t *testing.T) {
	long := "文三路" + strings.Repeat("某某大厦某某座", 12) + "1201室"
	in := `{"id":"L1","carrier":"ZTO","recipient":{"name":"张三","phone":"13800138000","province":"浙江省","city":"杭州市","district":"西湖区","address":"` + long + `"},"items":[{"sku":"A","qty":1}]}`
	code, _, errOut := runCLI(t, in, "render", "--orders", "-", "--template", "waybill-76x130", "--format", "zpl", "--out", t.TempDir())
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, `dadan: warning: line 1: order L1: label: element "recipient_address" (recipient.address) cut short: "`)
	assert.Contains(t, errOut, "1201室", "the warning shows what was cut")
}
