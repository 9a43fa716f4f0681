package pdf

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/order"
)

// orderData is the label data of a sample order, with warehouse bins made up for
// the packing-a4 location column (the sample orders have none).
func orderData(o *order.Order) *label.Data {
	d := labeltest.Data(o)
	for k, row := range d.Tables["items"] {
		row["location"] = fmt.Sprintf("A-%02d-%02d", k%7, k)
	}
	return d
}

// standardDocs lays out every standard template for every sample order (product
// labels for each order's first item).
func standardDocs(t testing.TB) map[string][]*label.Document {
	t.Helper()
	out := make(map[string][]*label.Document)
	for _, name := range label.StandardNames() {
		tpl, err := label.Standard(name)
		require.NoError(t, err)
		for _, o := range labeltest.SampleOrders(t) {
			d := orderData(o)
			if strings.HasPrefix(name, "product-") {
				if len(d.Tables["items"]) == 0 {
					continue
				}
				d = d.WithRow("item.", d.Tables["items"][0])
			}
			doc, err := label.Layout(tpl, d, nil)
			if err != nil {
				t.Logf("%s, order %s: %v", name, o.ID, err)
				continue
			}
			out[name] = append(out[name], doc)
		}
		require.NotEmpty(t, out[name], name)
	}
	return out
}

func TestStandardTemplatesForSampleOrders(t *testing.T) {
	needTool(t, "pdftotext", "pdfinfo")
	r := renderer(t)
	docs := standardDocs(t)
	for _, name := range label.StandardNames() {
		t.Run(name, func(t *testing.T) {
			var file recorder
			w := r.NewWriter(&file)
			var pages []label.Page
			for _, doc := range docs[name] {
				require.NoError(t, w.Add(context.Background(), doc))
				pages = append(pages, doc.Pages...)
			}
			require.NoError(t, w.Close())
			parsePDF(t, file.Bytes())
			path := writeTemp(t, name+".pdf", file.Bytes())
			info, _ := run(t, "pdfinfo", path)
			assert.Contains(t, info, "Pages:           "+strconv.Itoa(len(pages)))
			for i, p := range pages {
				n := strconv.Itoa(i + 1)
				got, _ := run(t, "pdftotext", "-raw", "-enc", "UTF-8", "-f", n, "-l", n, path, "-")
				assert.Equal(t, squash(strings.Join(pageTexts(p), "")), squash(got), "page %d", i+1)
			}
		})
	}
}

func TestStandardTemplateCodesScan(t *testing.T) {
	needTool(t, "pdftoppm", "zbarimg")
	r := renderer(t)
	docs := standardDocs(t)
	for _, name := range label.StandardNames() {
		t.Run(name, func(t *testing.T) {
			// Each code of one laid-out page goes on a page of its own, so every
			// symbol must decode by itself.
			doc := docs[name][len(docs[name])/2]
			p0 := doc.Pages[0]
			var want []string
			var pages []label.Page
			for _, op := range p0.Ops {
				switch o := op.(type) {
				case label.Barcode:
					want = append(want, "CODE-128:"+o.Data)
				case label.QR:
					want = append(want, "QR-Code:"+o.Data)
				default:
					continue
				}
				pages = append(pages, label.Page{Width: p0.Width, Height: p0.Height, Ops: []label.Op{op}})
			}
			if len(pages) == 0 {
				t.Skipf("%s has no codes", name)
			}
			path := writeTemp(t, "s.pdf", labeltest.Render(t, r, &label.Document{Pages: pages}))
			for _, dpi := range []int{203, 300} {
				for i, png := range rasterize(t, path, dpi) {
					assert.Equal(t, want[i:i+1], decode(t, png), "%d dpi, code %d", dpi, i)
				}
			}
		})
	}
}

// The realistic barcodes of every standard template, rendered for a 203 and a 300
// dpi printer, scan from the PDF rasterised at that resolution, and their bars end
// inside the page with their quiet zones.
func TestStandardBarcodesScan(t *testing.T) {
	needTool(t, "pdftoppm", "zbarimg")
	needFonts(t)
	for _, dpi := range []int{203, 300} {
		r, err := New(&Options{DPI: dpi})
		require.NoError(t, err)
		for _, c := range labeltest.BarcodeCases() {
			doc := labeltest.Layout(t, c.Template, labeltest.BarcodeData(t, c))
			path := writeTemp(t, fmt.Sprintf("%s-%s-%d.pdf", c.Template, c.Data, dpi), labeltest.Render(t, r, doc))
			png := rasterize(t, path, dpi)[0]
			got := decode(t, png)
			assert.Contains(t, got, "CODE-128:"+c.Data, "%s at %d dpi", c.Template, dpi)
			for _, op := range doc.Pages[0].Ops {
				if b, ok := op.(label.Barcode); ok {
					g, err := b.Dots(dpi)
					require.NoError(t, err)
					pw := int(doc.Pages[0].Width*float64(dpi)/25.4 + 0.5)
					assert.LessOrEqual(t, g.X+g.Width+label.QuietModules*g.Module, pw)
				}
			}
		}
	}
}
