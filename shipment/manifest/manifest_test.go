package manifest_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/fontpath"
	"github.com/dadanhq/dadan/label/pdf"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/shipment/manifest"
)

var at = time.Date(2026, 11, 11, 17, 30, 0, 0, time.FixedZone("CST", 8*3600))

func sample(n int) *shipment.Manifest {
	m := &shipment.Manifest{Carrier: "ZTO", Date: at, Batch: "002"}
	for i := range n {
		m.Parcels = append(m.Parcels, shipment.Parcel{TrackingNo: fmt.Sprintf("7599%08d", i+1), OrderID: fmt.Sprintf("TB%04d", i+1),
			Recipient:   order.Party{Name: "张三丰", Phone: "13800138000", Province: "浙江省", City: "杭州市", District: "余杭区", Address: "文一西路969号"},
			WeightGrams: 1250})
	}
	m.Parcels[0].Recipient.Name = "=HYPERLINK(\"x\")^XA"
	m.Parcels[1].Piece, m.Parcels[1].Pieces = 1, 2
	return m
}

func TestCSV(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, manifest.WriteCSV(&buf, sample(3)))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 4)
	assert.Equal(t, manifest.Header, rows[0])
	assert.Equal(t, "tracking_no", rows[0][1])
	assert.Equal(t, "759900000002", rows[2][1])
	assert.Equal(t, "TB0002", rows[2][2])
	assert.Equal(t, "张**", rows[2][4], "names are masked")
	assert.Equal(t, "138****8000", rows[2][5], "phones are masked")
	assert.Equal(t, "1/2", rows[2][7])
	assert.Equal(t, "1250", rows[2][8])
	assert.NotEqual(t, '=', rune(rows[1][4][0]), "no formula reaches a spreadsheet")
}

func TestPDF(t *testing.T) {
	font := fontpath.First(fontpath.CJK)
	if font == "" {
		t.Skip("no CJK TrueType font (install fonts-arphic-gbsn00lp)")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (poppler-utils)")
	}
	r, err := pdf.New(&pdf.Options{FontPath: font})
	require.NoError(t, err)
	for _, n := range []int{0, 3, 100} {
		m := sample(max(n, 2))
		if n == 0 {
			m.Parcels = nil
		}
		doc := manifest.Document(m, at)
		var buf bytes.Buffer
		require.NoError(t, r.Render(context.Background(), &buf, doc))
		path := filepath.Join(t.TempDir(), "m.pdf")
		require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", "-layout", path, "-").Output()
		require.NoError(t, err)
		text := string(out)
		assert.Contains(t, text, "快递交接单")
		assert.Contains(t, text, "ZTO-20261111-002")
		assert.Contains(t, text, "发货方签字")
		assert.Contains(t, text, "快递员签字")
		assert.Contains(t, text, fmt.Sprintf("合计：%d 件", len(m.Parcels)))
		assert.NotContains(t, text, "张三丰", "names are masked")
		for _, p := range m.Parcels {
			assert.Contains(t, text, p.TrackingNo)
		}
		if n == 100 {
			assert.Greater(t, len(doc.Pages), 2)
			assert.Contains(t, text, fmt.Sprintf("第 %d/%d 页", len(doc.Pages), len(doc.Pages)))
			assert.Equal(t, 1, strings.Count(text, "合计"), "totals once, on the last page")
		}
	}
}
