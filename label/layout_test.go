package label_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
)

func TestStandardTemplatesLayoutEveryOrder(t *testing.T) {
	orders := loadOrders(t)
	for _, name := range label.StandardNames() {
		tpl, err := label.Standard(name)
		require.NoError(t, err, name)
		for i, o := range orders {
			d := toData(o, i)
			if name == "product-40x30" || name == "product-60x40" {
				if len(o.Items) == 0 {
					_, err := label.Layout(tpl, d, nil)
					require.ErrorIs(t, err, label.ErrMissingField, "%s %s", name, o.ID)
					continue
				}
				d = d.WithRow("item.", d.Tables["items"][0])
			}
			doc, err := label.Layout(tpl, d, &label.LayoutOptions{Now: testNow})
			require.NoError(t, err, "%s %s", name, o.ID)
			require.NotEmpty(t, doc.Pages)
			assert.Equal(t, tpl.Hash(), doc.Hash)
		}
	}
}

func findOrder(t *testing.T, orders []sampleOrder, pred func(o sampleOrder) bool) (sampleOrder, int) {
	t.Helper()
	for i, o := range orders {
		if pred(o) {
			return o, i
		}
	}
	t.Skip("no such sample order")
	return sampleOrder{}, 0
}

func texts(p label.Page) []label.TextLine {
	var out []label.TextLine
	for _, op := range p.Ops {
		if tl, ok := op.(label.TextLine); ok {
			out = append(out, tl)
		}
	}
	return out
}

func joined(p label.Page) string {
	var b strings.Builder
	for _, tl := range texts(p) {
		b.WriteString(tl.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// checkBounds asserts every op lies on its page.
func checkBounds(t *testing.T, doc *label.Document) {
	t.Helper()
	const tol = 0.05
	for pi, p := range doc.Pages {
		in := func(x0, y0, x1, y1 float64, what string) {
			assert.True(t, x0 >= -tol && y0 >= -tol && x1 <= p.Width+tol && y1 <= p.Height+tol,
				"%s page %d: %s at %.2f,%.2f-%.2f,%.2f outside %gx%g", doc.Template, pi+1, what, x0, y0, x1, y1, p.Width, p.Height)
		}
		for _, op := range p.Ops {
			switch op := op.(type) {
			case label.TextLine:
				switch op.Rotation {
				case label.Rotate0:
					in(op.X, op.Y, op.X+op.Width, op.Y+op.Size, op.Text)
				case label.Rotate90:
					in(op.X-op.Size, op.Y, op.X, op.Y+op.Width, op.Text)
				case label.Rotate180:
					in(op.X-op.Width, op.Y-op.Size, op.X, op.Y, op.Text)
				case label.Rotate270:
					in(op.X, op.Y-op.Width, op.X+op.Size, op.Y, op.Text)
				}
			case label.Barcode:
				q := 10 * op.Module
				in(op.X-q, op.Y, op.X+op.Module*float64(len(op.Modules))+q, op.Y+op.Height, "barcode")
				assert.GreaterOrEqual(t, op.Module, 0.25-1e-9)
			case label.QR:
				q := 4 * op.Module
				n := op.Module * float64(len(op.Modules))
				in(op.X-q, op.Y-q, op.X+n+q, op.Y+n+q, "qr")
			case label.Box:
				in(op.X, op.Y, op.X+op.W, op.Y+op.H, "box")
			case label.Line:
				in(min(op.X1, op.X2), min(op.Y1, op.Y2), max(op.X1, op.X2), max(op.Y1, op.Y2), "line")
			}
		}
	}
}

func TestLayoutStaysOnThePage(t *testing.T) {
	orders := loadOrders(t)
	for _, name := range label.StandardNames() {
		tpl, err := label.Standard(name)
		require.NoError(t, err)
		for i, o := range orders {
			d := toData(o, i)
			if strings.HasPrefix(name, "product-") {
				if len(o.Items) == 0 {
					continue
				}
				d = d.WithRow("item.", d.Tables["items"][0])
			}
			doc, err := label.Layout(tpl, d, &label.LayoutOptions{Now: testNow})
			require.NoError(t, err)
			checkBounds(t, doc)
		}
	}
}

func TestLongOrderContinuesAndGrows(t *testing.T) {
	orders := loadOrders(t)
	o, i := findOrder(t, orders, func(o sampleOrder) bool { return len(o.Items) >= 30 })
	d := toData(o, i)

	a4, err := label.Standard("packing-a4")
	require.NoError(t, err)
	doc, err := label.Layout(a4, d, &label.LayoutOptions{Now: testNow, SortItems: "sku"})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(doc.Pages), 2)
	n := len(doc.Pages)
	for p := range doc.Pages {
		assert.Contains(t, joined(doc.Pages[p]), fmt.Sprintf("第 %d/%d 页  page %d/%d", p+1, n, p+1, n))
		assert.Equal(t, 297.0, doc.Pages[p].Height)
	}
	assert.Contains(t, joined(doc.Pages[n-1]), "合计数量：", "totals on the last page")
	assert.NotContains(t, joined(doc.Pages[0]), "合计数量：")
	assert.NotContains(t, joined(doc.Pages[1]), "收件人：", "recipient only on the first page")
	// Every row is printed exactly once, sorted by SKU.
	skuSet := map[string]bool{}
	for _, it := range o.Items {
		skuSet[it.SKU] = true
	}
	skus := 0
	var last string
	for _, p := range doc.Pages {
		for _, tl := range texts(p) {
			if tl.X < 11 && skuSet[tl.Text] {
				skus++
				assert.GreaterOrEqual(t, tl.Text, last)
				last = tl.Text
			}
		}
	}
	assert.Equal(t, len(o.Items), skus)

	receipt, err := label.Standard("packing-80mm")
	require.NoError(t, err)
	doc, err = label.Layout(receipt, d, nil)
	require.NoError(t, err)
	require.Len(t, doc.Pages, 1)
	assert.Greater(t, doc.Pages[0].Height, receipt.Height+float64(len(o.Items))*3)
	// The totals moved below the table.
	var totals label.TextLine
	for _, tl := range texts(doc.Pages[0]) {
		if strings.HasPrefix(tl.Text, "合计") {
			totals = tl
		}
	}
	assert.Greater(t, totals.Y, doc.Pages[0].Height-20)
	checkBounds(t, doc)
}

func TestOverflowMarkedOrError(t *testing.T) {
	orders := loadOrders(t)
	d := toData(orders[0], 0)
	d.Fields["recipient.name"] = strings.Repeat("张", 500)
	tpl, err := label.Standard("waybill-76x130")
	require.NoError(t, err)
	doc, err := label.Layout(tpl, d, nil)
	require.NoError(t, err)
	var name label.TextLine
	for _, tl := range texts(doc.Pages[0]) {
		if strings.HasPrefix(tl.Text, "张张") {
			name = tl
		}
	}
	assert.True(t, strings.HasSuffix(name.Text, "…"), "visibly cut: %q", name.Text)
	assert.LessOrEqual(t, name.X+name.Width, 76.0)

	// The same text with policy "error" fails with a typed error naming the element.
	for _, e := range tpl.Elements {
		if te, ok := e.(*label.TextElement); ok && te.ID == "recipient" {
			te.Overflow = label.OverflowError
		}
	}
	_, err = label.Layout(tpl, d, nil)
	require.ErrorIs(t, err, label.ErrOverflow)
	var le *label.Error
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "waybill-76x130", le.Template)
	assert.Equal(t, "recipient", le.Element)
}

func TestHostileStringsPassThrough(t *testing.T) {
	hostile := []string{"^XZ^XA^FO50,50^FDPWNED^FS", "~JR~PS", "\x1b@\x1dV\x00", "(a) Tj", `\ ) \\`}
	for _, h := range hostile {
		tpl := &label.Template{Name: "t", Version: "1", Width: 100, Height: 20, Elements: []label.Element{
			&label.TextElement{X: 1, Y: 1, W: 98, H: 5, Text: "{x}", Size: 3},
		}}
		doc, err := label.Layout(tpl, &label.Data{Fields: map[string]string{"x": h}}, nil)
		require.NoError(t, err)
		// Printer-command characters print as text; control bytes are removed.
		want := strings.Map(func(r rune) rune {
			if r < 0x20 {
				return -1
			}
			return r
		}, h)
		require.Equal(t, want, texts(doc.Pages[0])[0].Text)
	}
	orders := loadOrders(t)
	o, i := findOrder(t, orders, func(o sampleOrder) bool { return strings.Contains(o.Recipient.Name, "^XZ") })
	tpl, _ := label.Standard("waybill-76x130")
	doc, err := label.Layout(tpl, toData(o, i), nil)
	require.NoError(t, err)
	assert.Contains(t, joined(doc.Pages[0]), o.Recipient.Name)
}

func TestMaskAndPrivacy(t *testing.T) {
	orders := loadOrders(t)
	d := toData(orders[0], 0)
	d.Fields["recipient.name"], d.Fields["recipient.phone"] = "欧阳娜娜", "13800138000-1234"
	tpl, _ := label.Standard("waybill-76x130")
	doc, err := label.Layout(tpl, d, nil)
	require.NoError(t, err)
	assert.Contains(t, joined(doc.Pages[0]), "欧阳娜娜 13800138000-1234")
	doc, err = label.Layout(tpl, d, &label.LayoutOptions{Mask: true})
	require.NoError(t, err)
	assert.Contains(t, joined(doc.Pages[0]), "欧阳** 138****8000-1234")
	assert.NotContains(t, joined(doc.Pages[0]), "娜娜")
	tpl.Privacy = true
	doc, err = label.Layout(tpl, d, nil)
	require.NoError(t, err)
	assert.Contains(t, joined(doc.Pages[0]), "欧阳** 138****8000-1234")
}

func TestLayoutErrors(t *testing.T) {
	tpl, _ := label.Standard("waybill-76x130")
	_, err := label.Layout(tpl, &label.Data{}, nil)
	assert.ErrorIs(t, err, label.ErrMissingField, "no tracking number")

	d := &label.Data{Fields: map[string]string{"waybill.tracking_no": "运单756"}}
	_, err = label.Layout(tpl, d, nil)
	assert.ErrorIs(t, err, label.ErrEncode)

	d.Fields["waybill.tracking_no"] = strings.Repeat("A1", 40)
	_, err = label.Layout(tpl, d, nil)
	assert.ErrorIs(t, err, label.ErrOverflow, "80 characters cannot fit 76 mm")

	d.Fields["waybill.tracking_no"] = "75612345678912345678"
	doc, err := label.Layout(tpl, d, nil)
	require.NoError(t, err, "20 digits fit 76 mm")
	checkBounds(t, doc)

	_, err = label.Layout(tpl, d, &label.LayoutOptions{SortItems: "price"})
	assert.ErrorIs(t, err, label.ErrTemplate)
}

func TestRotatedTextPositions(t *testing.T) {
	for _, rot := range []label.Rotation{0, 90, 180, 270} {
		tpl := &label.Template{Name: "r", Version: "1", Width: 50, Height: 50, Elements: []label.Element{
			&label.TextElement{X: 10, Y: 10, W: 20, H: 30, Text: "ABCD", Size: 4, Rotation: rot},
		}}
		doc, err := label.Layout(tpl, nil, nil)
		require.NoError(t, err)
		tl := texts(doc.Pages[0])[0]
		assert.Equal(t, 8.0, tl.Width)
		checkBounds(t, doc)
		switch rot {
		case 0:
			assert.Equal(t, [2]float64{10, 23}, [2]float64{tl.X, tl.Y})
		case 90:
			assert.Equal(t, [2]float64{22, 10}, [2]float64{tl.X, tl.Y})
		case 180:
			assert.Equal(t, [2]float64{30, 27}, [2]float64{tl.X, tl.Y})
		case 270:
			assert.Equal(t, [2]float64{18, 40}, [2]float64{tl.X, tl.Y})
		}
	}
}

// Every waybill has the bands of DESIGN.md top to bottom, and they fill the page.
func TestWaybillBands(t *testing.T) {
	orders := loadOrders(t)
	bands := []string{"print_time", "mark", "tracking_barcode", "bag_addr", "recipient", "sender", "goods", "tracking_qr", "order_id"}
	for _, name := range []string{"waybill-76x130", "waybill-100x150", "waybill-100x180"} {
		tpl, err := label.Standard(name)
		require.NoError(t, err)
		top := map[string]float64{}
		for _, e := range tpl.Elements {
			switch e := e.(type) {
			case *label.TextElement:
				top[e.ID] = e.Y
			case *label.Code128Element:
				top[e.ID] = e.Y
			case *label.QRElement:
				top[e.ID] = e.Y
			}
		}
		if _, ok := top["stub_order"]; ok {
			top["order_id"] = top["stub_order"] // the two-part waybill's footer is on the stub
		}
		prev := -1.0
		for _, b := range bands {
			y, ok := top[b]
			require.True(t, ok, "%s has no %s", name, b)
			assert.Greater(t, y, prev, "%s: %s is not below the band before it", name, b)
			prev = y
		}
		if name == "waybill-100x180" {
			continue // the stub fills the rest
		}
		doc, err := label.Layout(tpl, toData(orders[1], 1), &label.LayoutOptions{Now: testNow})
		require.NoError(t, err)
		bottom := 0.0
		for _, op := range doc.Pages[0].Ops {
			if tl, ok := op.(label.TextLine); ok && tl.Rotation == label.Rotate0 {
				bottom = max(bottom, tl.Y+tl.Size)
			}
		}
		assert.Greater(t, bottom, tpl.Height-6, "%s: the footer leaves the bottom of the page blank", name)
	}
}

// Control characters never reach a renderer: C0, DEL, C1 and format characters are
// removed from every field in binding, and a line break in a one-line field is a
// space, so the phone after a name is not lost.
func TestFieldsAreCleaned(t *testing.T) {
	tpl, err := label.Standard("waybill-76x130")
	require.NoError(t, err)
	base := labeltest.Data(labeltest.SampleOrders(t)[0])
	for _, name := range []string{"王喆\n", "王\r\n喆", "王\u2028喆", "王\x07喆\x1b", "王\u202e喆\u200b", "王\u0085喆\x7f", "\ufeff王喆\t"} {
		d := &label.Data{Fields: map[string]string{}, Tables: base.Tables}
		for k, v := range base.Fields {
			d.Fields[k] = v
		}
		d.Fields["recipient.name"] = name
		d.Fields["recipient.phone"] = "13800138000"
		doc, err := label.Layout(tpl, d, &label.LayoutOptions{Now: labeltest.PrintTime()})
		require.NoError(t, err, "%q", name)
		var line string
		for _, tl := range texts(doc.Pages[0]) {
			if strings.Contains(tl.Text, "13800138000") {
				line = tl.Text
			}
			for _, r := range tl.Text {
				require.False(t, r < 0x20 || r >= 0x7f && r < 0xa0 || unicode.Is(unicode.Cf, r) && r != 0x200d,
					"%U in %q", r, tl.Text)
			}
		}
		require.NotEmpty(t, line, "the phone after %q is on the label", name)
		assert.Contains(t, line, "喆", "%q", name)
		assert.False(t, strings.Contains(line, "…"), "%q cut: %q", name, line)
	}

	// In a field that wraps, a line break in the data breaks the line.
	wrap := &label.Template{Name: "t", Version: "1", Width: 60, Height: 20, Elements: []label.Element{
		&label.TextElement{X: 1, Y: 1, W: 58, H: 18, Text: "{a}", Size: 3, Wrap: true},
	}}
	doc, err := label.Layout(wrap, &label.Data{Fields: map[string]string{"a": "一行\r\n二行\x00"}}, nil)
	require.NoError(t, err)
	var got []string
	for _, tl := range texts(doc.Pages[0]) {
		got = append(got, tl.Text)
	}
	assert.Equal(t, []string{"一行", "二行"}, got)

	// Emoji joined by ZWJ stay one cluster.
	doc, err = label.Layout(wrap, &label.Data{Fields: map[string]string{"a": "👩\u200d💻"}}, nil)
	require.NoError(t, err)
	assert.Equal(t, "👩\u200d💻", texts(doc.Pages[0])[0].Text)
}

// A long address first shrinks within the element's minimum size; only when it
// does not fit even then is it cut with "…", and the document says so.
func TestTruncationIsAWarning(t *testing.T) {
	tpl, err := label.Standard("waybill-76x130")
	require.NoError(t, err)
	base := labeltest.Data(labeltest.SampleOrders(t)[0])
	layout := func(addr string) *label.Document {
		d := &label.Data{Fields: map[string]string{}, Tables: base.Tables}
		for k, v := range base.Fields {
			d.Fields[k] = v
		}
		d.Fields["recipient.address"] = addr
		doc, err := label.Layout(tpl, d, &label.LayoutOptions{Now: labeltest.PrintTime()})
		require.NoError(t, err)
		return doc
	}
	addrLines := func(doc *label.Document, addr string) []label.TextLine {
		var out []label.TextLine
		for _, tl := range texts(doc.Pages[0]) {
			if tl.Field == "recipient.address" {
				out = append(out, tl)
			}
		}
		return out
	}

	// Longer than three lines at 3.5 mm, shorter at the 2.5 mm minimum: smaller
	// text, nothing cut, no warning.
	mid := strings.Repeat("浙江省杭州市余杭区五常街道", 5)
	doc := layout(mid)
	lines := addrLines(doc, mid)
	require.NotEmpty(t, lines)
	assert.Less(t, lines[0].Size, 3.5)
	assert.GreaterOrEqual(t, lines[0].Size, 2.5-1e-9)
	var joined string
	for _, l := range lines {
		joined += l.Text
	}
	assert.Equal(t, mid, joined)
	assert.Empty(t, doc.Warnings)

	// Too long even at the minimum: cut with "…" at 2.5 mm, and a warning names
	// the element and the field.
	long := strings.Repeat("浙江省杭州市余杭区五常街道", 12)
	doc = layout(long)
	lines = addrLines(doc, long)
	require.NotEmpty(t, lines)
	assert.InDelta(t, 2.5, lines[0].Size, 1e-9)
	assert.True(t, strings.HasSuffix(lines[len(lines)-1].Text, "…"))
	require.Len(t, doc.Warnings, 1)
	w := doc.Warnings[0]
	assert.Equal(t, "recipient_address", w.Element)
	assert.Equal(t, "recipient.address", w.Field)
	assert.Equal(t, long, w.Text)
	assert.Contains(t, w.String(), "recipient.address")
}

// Every text line names the field it prints, so an error about it can; a table
// cell's field carries the table's name.
func TestTextLineField(t *testing.T) {
	tpl, err := label.Standard("packing-80mm")
	require.NoError(t, err)
	d := labeltest.Data(labeltest.SampleOrders(t)[0])
	doc, err := label.Layout(tpl, d, &label.LayoutOptions{Now: labeltest.PrintTime()})
	require.NoError(t, err)
	fields := map[string]string{}
	for _, tl := range texts(doc.Pages[0]) {
		fields[tl.Text] = tl.Field
	}
	item := d.Tables["items"][0]["name"]
	found := false
	for text, f := range fields {
		if strings.HasPrefix(text, item) {
			assert.Equal(t, "items.name", f, "%q", text)
			found = true
		}
	}
	assert.True(t, found, "the item name %q is on the packing list", item)
	assert.Contains(t, fields, "收件："+d.Fields["recipient.name"]+" "+d.Fields["recipient.phone"])
	assert.Equal(t, "recipient.name", fields["收件："+d.Fields["recipient.name"]+" "+d.Fields["recipient.phone"]])
}
