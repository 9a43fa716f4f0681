package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/fontpath"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/raster"
	"github.com/dadanhq/dadan/printer/printertest"
)

// glyphOrders are three orders; G2's remark holds U+1FAE0, which no font of the
// host has (fc-list ':charset=1fae0' lists none), G1's a 😀, which DejaVu Sans has.
const glyphOrders = `{"id":"G1","carrier":"ZTO","paid_at":"2026-11-11T00:01:00+08:00","recipient":{"name":"张三","phone":"13800138000","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路1号"},"remark":{"buyer":"放门口 😀"},"items":[{"sku":"X","qty":1,"unit_price":"1.00"}],"total":"1.00"}
{"id":"G2","carrier":"ZTO","paid_at":"2026-11-11T00:02:00+08:00","recipient":{"name":"李四","phone":"13800138001","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路2号"},"remark":{"buyer":"谢谢` + "\U0001FAE0" + `"},"items":[{"sku":"X","qty":1,"unit_price":"1.00"}],"total":"1.00"}
{"id":"G3","carrier":"ZTO","paid_at":"2026-11-11T00:03:00+08:00","recipient":{"name":"王喆","phone":"13800138002","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路3号"},"items":[{"sku":"X","qty":1,"unit_price":"1.00"}],"total":"1.00"}
`

// glyphLine is what a person is told about G2, in every format.
func assertGlyphLine(t *testing.T, errOut string) {
	t.Helper()
	var line string
	for _, l := range strings.Split(errOut, "\n") {
		if strings.Contains(l, "U+1FAE0") {
			require.Empty(t, line, "one line for the order:\n%s", errOut)
			line = l
		}
	}
	require.NotEmpty(t, line, errOut)
	assert.Contains(t, line, "order G2")
	assert.Contains(t, line, "\U0001FAE0")
	assert.Contains(t, line, "field order.remark")
	assert.NotContains(t, errOut, "G1")
	assert.NotContains(t, errOut, "G3")
}

// needNoGlyph skips the test unless the host has a CJK font and no font for
// U+1FAE0.
func needNoGlyph(t *testing.T) {
	t.Helper()
	if fontpath.First(fontpath.CJK) == "" {
		t.Skip("needs a CJK font (Debian: fonts-arphic-gbsn00lp)")
	}
	r, err := raster.New(nil)
	require.NoError(t, err)
	if _, err := r.RasterizeText(label.TextLine{Size: 3, Width: 3, Text: "\U0001FAE0"}, 203); err == nil {
		t.Skip("a font of this host has U+1FAE0")
	}
}

func TestRenderNoGlyph(t *testing.T) {
	needNoGlyph(t)
	for _, c := range []struct{ format, template string }{
		{"zpl", "waybill-76x130"}, {"tspl", "waybill-76x130"}, {"pdf", "waybill-76x130"},
		{"png", "waybill-100x150"}, {"escpos", "packing-80mm"},
	} {
		t.Run(c.format, func(t *testing.T) {
			out := t.TempDir()
			code, stdout, errOut := runCLI(t, glyphOrders, "render", "--orders", "-", "--template", c.template, "--format", c.format, "--out", out)
			assert.Equal(t, exitRefused, code)
			assertGlyphLine(t, errOut)
			assert.Contains(t, stdout, "2 files written")
			files, err := os.ReadDir(out)
			require.NoError(t, err)
			assert.Len(t, files, 2)
		})
	}
}

func TestPrintNoGlyph(t *testing.T) {
	needNoGlyph(t)
	dir := t.TempDir()
	db, f := filepath.Join(dir, "g.db"), filepath.Join(dir, "orders.jsonl")
	require.NoError(t, os.WriteFile(f, []byte(glyphOrders), 0o644))
	code, _, errOut := runCLI(t, "", "ingest", "--db", db, "--orders", f)
	require.Equal(t, 0, code, errOut)
	emu, err := printertest.New(nil)
	require.NoError(t, err)
	defer emu.Close()
	code, out, errOut := runCLI(t, "", "print", "--db", db, "--printer", "waybill=tcp://"+emu.Addr()+"?timeout=1s", "--timeout", "30s")
	assert.Equal(t, exitRefused, code, "%s\n%s", out, errOut)
	assertGlyphLine(t, errOut)
	assert.Contains(t, errOut, "on hold")
	assert.Contains(t, out, "jobs: 2 printed")
	require.Len(t, emu.Printed(), 2, "the orders around it print")
}
