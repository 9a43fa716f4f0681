package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dadanhq/dadan/internal/sample"
	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runCLI runs the command line in-process and returns status, stdout and stderr.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// writeSample writes the sample files into a temporary directory.
func writeSample(t *testing.T) (orders, stock, prices string) {
	dir := t.TempDir()
	orders, stock, prices = filepath.Join(dir, "orders.jsonl"), filepath.Join(dir, "stock.json"), filepath.Join(dir, "prices.json")
	require.NoError(t, os.WriteFile(orders, sample.Orders, 0o644))
	require.NoError(t, os.WriteFile(stock, sample.Stock, 0o644))
	require.NoError(t, os.WriteFile(prices, sample.Prices, 0o644))
	return
}

func TestReviewJSON(t *testing.T) {
	orders, stock, prices := writeSample(t)
	code, out, errOut := runCLI(t, "", "review", "--orders", orders, "--stock", stock, "--prices", prices, "--json", "--lang", "en")
	require.Equal(t, 0, code, errOut)
	var ids []string
	outcomes := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var r struct {
			ID       string `json:"id"`
			Outcome  string `json:"outcome"`
			Findings []struct {
				Code, Field, Message string
			} `json:"findings"`
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r), sc.Text())
		ids = append(ids, r.ID)
		outcomes[r.Outcome]++
		assert.NotNil(t, r.Findings, "findings is an array, never null")
		for _, f := range r.Findings {
			assert.NotEmpty(t, f.Code)
			assert.NotEmpty(t, f.Message)
		}
		if r.Outcome == "approve" {
			continue
		}
		assert.NotEmpty(t, r.Findings, "%s is %s for a reason", r.ID, r.Outcome)
	}
	require.Len(t, ids, 56, "one line per input order")
	// Input order: the ids come as in the file.
	var want []string
	for _, line := range strings.Split(strings.TrimSpace(string(sample.Orders)), "\n") {
		var o struct{ ID string }
		require.NoError(t, json.Unmarshal([]byte(line), &o))
		want = append(want, o.ID)
	}
	assert.Equal(t, want, ids)
	assert.Equal(t, 56, outcomes["approve"]+outcomes["hold"]+outcomes["reject"])
}

func TestReviewRefusesBadLines(t *testing.T) {
	in := `{"id":"A1","total":"1.00"}
{"id":"B2","total":12,5}
{"id":"C3","items":[{"qty":"two"}]}
`
	code, out, errOut := runCLI(t, in, "review", "--orders", "-", "--json")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "line 2")
	assert.Contains(t, errOut, "B2")
	assert.Contains(t, errOut, "line 3")
	assert.Contains(t, errOut, "C3")
	assert.Contains(t, errOut, "items[0].qty")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 3)
	assert.Contains(t, lines[1], `"outcome":"reject"`)
	assert.Contains(t, lines[2], `"field":"items[0].qty"`)
}

func TestReviewText(t *testing.T) {
	orders, stock, prices := writeSample(t)
	code, out, _ := runCLI(t, "", "review", "--orders", orders, "--stock", stock, "--prices", prices)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "订单 56：")
	assert.Contains(t, out, "驳回")
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"nope"},
		{"review"},
		{"review", "--orders"},
		{"review", "--orders", "x", "--lang", "fr"},
		{"review", "--orders", "/does/not/exist"},
		{"review", "--bogus"},
		{"demo", "extra"},
	} {
		code, _, errOut := runCLI(t, "", args...)
		assert.Equal(t, 2, code, "%v", args)
		assert.NotEmpty(t, errOut, "%v", args)
	}
	code, _, _ := runCLI(t, "", "review", "-h")
	assert.Equal(t, 0, code)
}

func TestDemo(t *testing.T) {
	code, out, errOut := runCLI(t, "", "demo", "--lang", "en", "--out", t.TempDir())
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "orders 56: approved")
	assert.Contains(t, out, "recipient name is missing")
	code, out, _ = runCLI(t, "", "demo")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "收件人姓名")
}

func TestRenderAllTemplatesAndFormats(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 28 combinations")
	}
	lines := strings.Split(strings.TrimSpace(string(sample.Orders)), "\n")
	in := strings.Join(append(lines[:3:3], lines[50:53]...), "\n") // ordinary, 32 lines, hostile
	dir := t.TempDir()
	orders := filepath.Join(dir, "orders.jsonl")
	require.NoError(t, os.WriteFile(orders, []byte(in), 0o644))
	for _, tmpl := range []string{"waybill-76x130", "waybill-100x180", "waybill-100x150", "packing-80mm", "packing-a4", "product-40x30", "product-60x40"} {
		for format, ext := range map[string]string{"zpl": "zpl", "escpos": "bin", "pdf": "pdf", "png": "png"} {
			out := filepath.Join(dir, tmpl+"-"+format)
			args := []string{"render", "--orders", orders, "--template", tmpl, "--format", format, "--out", out, "--mask"}
			if format == "escpos" && (tmpl == "packing-a4" || strings.HasPrefix(tmpl, "waybill-100")) {
				// Wider than 80 mm paper: refused, naming both widths, unless scaled.
				code, _, errOut := runCLI(t, "", args...)
				require.Equal(t, 1, code, "%s %s", tmpl, format)
				assert.Contains(t, errOut, "mm wide does not fit 80 mm paper")
				args = append(args, "--scale")
			}
			code, stdout, errOut := runCLI(t, "", args...)
			require.Equal(t, 0, code, "%s %s: %s", tmpl, format, errOut)
			assert.Contains(t, stdout, "6 files written")
			for _, id := range []string{"TB2026111100000", "TM2026111100050", "JD2026111100051"} {
				b, err := os.ReadFile(filepath.Join(out, id+"."+ext))
				require.NoError(t, err)
				assert.NotEmpty(t, b)
			}
		}
	}
}

// TestRenderTSPL renders every standard template for a TSPL label printer:
// packing-a4 is refused for every order, the others are written as .tspl files.
func TestRenderTSPL(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(string(sample.Orders)), "\n")
	in := strings.Join(append(lines[:2:2], lines[50:52]...), "\n")
	dir := t.TempDir()
	orders := filepath.Join(dir, "orders.jsonl")
	require.NoError(t, os.WriteFile(orders, []byte(in), 0o644))
	for _, tmpl := range []string{"waybill-76x130", "waybill-100x180", "waybill-100x150", "packing-80mm", "product-40x30", "product-60x40"} {
		out := filepath.Join(dir, tmpl)
		code, stdout, errOut := runCLI(t, "", "render", "--orders", orders, "--template", tmpl, "--format", "tspl", "--dpi", "300", "--out", out)
		require.Equal(t, 0, code, "%s: %s", tmpl, errOut)
		assert.Contains(t, stdout, "4 files written")
		b, err := os.ReadFile(filepath.Join(out, "TB2026111100000.tspl"))
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(string(b), "SIZE "), tmpl)
		assert.Contains(t, string(b), "PRINT 1,1\r\n", tmpl)
	}
	code, _, errOut := runCLI(t, "", "render", "--orders", orders, "--template", "packing-a4", "--format", "tspl", "--out", filepath.Join(dir, "a4"))
	assert.Equal(t, exitRefused, code)
	assert.Contains(t, errOut, "page does not fit the printer")
	code, _, errOut = runCLI(t, "", "render", "--orders", orders, "--template", "packing-80mm", "--format", "tspl", "--dpi", "600", "--out", filepath.Join(dir, "600"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "DPI")
}

func TestRenderSafeFileNames(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	in := `{"id":"../escape","items":[{"sku":"A","name":"杯","qty":1}],"waybill":{"tracking_no":"123456789012"}}
{"id":"/etc/passwd","items":[{"sku":"A","qty":1}],"waybill":{"tracking_no":"123456789013"}}
{"id":"..","items":[{"sku":"A","qty":1}],"waybill":{"tracking_no":"123456789014"}}
{"id":"../escape","items":[{"sku":"A","qty":1}],"waybill":{"tracking_no":"123456789015"}}`
	code, _, errOut := runCLI(t, in, "render", "--orders", "-", "--template", "waybill-76x130", "--format", "zpl", "--out", out)
	require.Equal(t, 0, code, errOut)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "nothing written beside the output directory")
	files, err := os.ReadDir(out)
	require.NoError(t, err)
	var names []string
	for _, f := range files {
		names = append(names, f.Name())
	}
	assert.ElementsMatch(t, []string{"_escape.zpl", "_etc_passwd.zpl", "line-3.zpl", "_escape-2.zpl"}, names)
}

func TestRenderErrors(t *testing.T) {
	out := t.TempDir()
	code, _, errOut := runCLI(t, `{"id":"A","items":[]}`, "render", "--orders", "-", "--template", "product-40x30", "--format", "pdf", "--out", out)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "order A")
	code, _, _ = runCLI(t, "", "render", "--orders", "-", "--template", "nope", "--format", "pdf", "--out", out)
	assert.Equal(t, 2, code)
	code, _, _ = runCLI(t, "", "render", "--orders", "-", "--template", "waybill-76x130", "--format", "bmp", "--out", out)
	assert.Equal(t, 2, code)
	code, _, _ = runCLI(t, "", "render", "--orders", "-", "--template", "waybill-76x130", "--format", "zpl", "--out", out, "--dpi", "100")
	assert.Equal(t, 2, code)
}

func TestPrintAndStatus(t *testing.T) {
	emu, err := printertest.New(nil)
	require.NoError(t, err)
	defer emu.Close()
	dir := t.TempDir()
	var files []string
	for i, body := range []string{"^XA^FDone^FS^XZ", "^XA^FDtwo^FS^XZ", "^XA^FDthree^FS^XZ"} {
		f := filepath.Join(dir, fmt.Sprintf("job%d.zpl", i))
		require.NoError(t, os.WriteFile(f, []byte(body), 0o644))
		files = append(files, f)
	}
	url := "tcp://" + emu.Addr()
	code, out, errOut := runCLI(t, "", append([]string{"print", "--printer", url}, files...)...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "jobs: 3 printed")
	printed := emu.Printed()
	require.Len(t, printed, 3)
	for i, want := range []string{"one", "two", "three"} {
		assert.Contains(t, string(printed[i].Data), want, "in the given order")
	}

	code, out, _ = runCLI(t, "", "status", "--printer", url)
	require.Equal(t, 0, code)
	assert.Equal(t, "ready\n", out)
	emu.HeadOpen()
	code, out, _ = runCLI(t, "", "status", "--printer", url, "--json")
	require.Equal(t, 0, code)
	var st struct {
		Ready  bool
		States []string
		Raw    string
	}
	require.NoError(t, json.Unmarshal([]byte(out), &st))
	assert.False(t, st.Ready)
	assert.NotEmpty(t, st.States)
	assert.NotEmpty(t, st.Raw)

	// A printer that stays faulted: the job is never lost, the command gives up at the timeout.
	code, _, errOut = runCLI(t, "", "print", "--printer", url, "--timeout", "300ms", files[0])
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "paused")
	assert.Regexp(t, `job \S+ .*job0.zpl file on p: (not sent|sent-unconfirmed)`, errOut, "a line per job that is not done")
}

func TestPrintErrors(t *testing.T) {
	f := filepath.Join(t.TempDir(), "a.zpl")
	require.NoError(t, os.WriteFile(f, []byte("^XA^XZ"), 0o644))
	for _, args := range [][]string{
		{"print", f},
		{"print", "--printer", "lpt://x", f},
		{"print", "--printer", "serial:///dev/null?baud=7", f},
		{"print", "--printer", "file:///tmp", "/does/not/exist"},
		{"status"},
		{"status", "--printer", "bogus://"},
	} {
		code, _, errOut := runCLI(t, "", args...)
		assert.Contains(t, []int{1, 2}, code, "%v", args)
		assert.NotEmpty(t, errOut)
	}
	code, _, errOut := runCLI(t, "", "print", "--printer", "tcp://127.0.0.1:1?timeout=300ms", f)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "127.0.0.1:1")
	code, out, _ := runCLI(t, "", "status", "--printer", "file://"+t.TempDir())
	assert.Equal(t, 0, code, "a spool directory says what it can report")
	assert.Contains(t, out, "a file printer reports no printer status")
}

func TestDemoPrints(t *testing.T) {
	out := t.TempDir()
	code, stdout, errOut := runCLI(t, "", "demo", "--lang", "en", "--out", out)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, stdout, "printed 35 orders")
	assert.Regexp(t, `device waybills +ZD421 +35 documents, [0-9.]+ m of media`, stdout, "the ledger counted what the spooler printed")
	for _, d := range []string{"waybills", "packing-lists", "product-labels"} {
		entries, err := os.ReadDir(filepath.Join(out, d))
		require.NoError(t, err)
		assert.NotEmpty(t, entries, d)
	}
}

func TestRenderTestNumbers(t *testing.T) {
	in := `{"id":"N1","carrier":"ZTO","items":[{"sku":"A","qty":1}]}`
	code, _, errOut := runCLI(t, in, "render", "--orders", "-", "--template", "waybill-76x130", "--format", "zpl", "--out", t.TempDir())
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "not real waybills", "a test number never goes unannounced")
	code, _, errOut = runCLI(t, in, "render", "--orders", "-", "--template", "waybill-76x130", "--format", "zpl", "--out", t.TempDir(), "--test-numbers=false")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "order N1: no waybill number")
}
