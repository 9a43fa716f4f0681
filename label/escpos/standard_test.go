package escpos

import (
	"bufio"
	"bytes"
	"encoding/json"
	"github.com/dadanhq/dadan/internal/sample"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/raster"
)

// sampleOrder is the part of the order JSON the standard templates print.
type sampleOrder struct {
	ID        string      `json:"id"`
	Platform  string      `json:"platform"`
	Shop      string      `json:"shop"`
	Recipient sampleParty `json:"recipient"`
	Sender    sampleParty `json:"sender"`
	Items     []struct {
		SKU       string `json:"sku"`
		Barcode   string `json:"barcode"`
		Name      string `json:"name"`
		Spec      string `json:"spec"`
		Qty       int    `json:"qty"`
		UnitPrice string `json:"unit_price"`
	} `json:"items"`
	Total  string `json:"total"`
	Remark struct {
		Buyer  string `json:"buyer"`
		Seller string `json:"seller"`
	} `json:"remark"`
	Waybill *struct {
		TrackingNo string `json:"tracking_no"`
		SortCode   string `json:"sort_code"`
		Mark       string `json:"mark"`
		BagAddr    string `json:"bag_addr"`
	} `json:"waybill"`
}

type sampleParty struct {
	Name, Phone, Province, City, District, Street, Address string
}

func (p sampleParty) full() string {
	return p.Province + p.City + p.District + p.Street + p.Address
}

func loadOrders(tb testing.TB) []sampleOrder {
	tb.Helper()
	f := bytes.NewReader(sample.Orders)
	var out []sampleOrder
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var o sampleOrder
		require.NoError(tb, json.Unmarshal(sc.Bytes(), &o))
		out = append(out, o)
	}
	require.NoError(tb, sc.Err())
	return out
}

// data fills label.Data as the label package documents it. Orders without waybill
// data get a made-up tracking number derived from the order id.
func data(o sampleOrder) *label.Data {
	tracking, sort, mark, bag := "", "200-E01-08", "杭州余杭", "杭州转运中心"
	if o.Waybill != nil {
		tracking, sort, mark, bag = o.Waybill.TrackingNo, o.Waybill.SortCode, o.Waybill.Mark, o.Waybill.BagAddr
	}
	if tracking == "" {
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, o.ID)
		tracking = "75" + digits[len(digits)-10:]
	}
	d := &label.Data{Fields: map[string]string{
		"recipient.name": o.Recipient.Name, "recipient.phone": o.Recipient.Phone, "recipient.address": o.Recipient.full(),
		"sender.name": o.Sender.Name, "sender.phone": o.Sender.Phone, "sender.address": o.Sender.full(),
		"waybill.tracking_no": tracking, "waybill.sort_code": sort, "waybill.mark": mark, "waybill.bag_addr": bag,
		"waybill.service": "标快", "waybill.payment": "寄付",
		"order.id": o.ID, "order.platform": o.Platform, "order.shop": o.Shop,
		"order.remark": strings.TrimSpace(o.Remark.Buyer + " " + o.Remark.Seller), "order.total": o.Total,
	}, Tables: map[string][]label.Row{}}
	for _, it := range o.Items {
		d.Tables["items"] = append(d.Tables["items"], label.Row{
			"sku": it.SKU, "barcode": it.Barcode, "name": it.Name, "spec": it.Spec,
			"qty": strconv.Itoa(it.Qty), "unit_price": it.UnitPrice,
		})
	}
	return d
}

// pick returns the first order for which match is true.
func pick(t *testing.T, orders []sampleOrder, what string, match func(o sampleOrder) bool) sampleOrder {
	t.Helper()
	i := slices.IndexFunc(orders, match)
	require.GreaterOrEqual(t, i, 0, "no sample order with %s", what)
	return orders[i]
}

func layout(t *testing.T, name string, o sampleOrder) *label.Document {
	t.Helper()
	return layoutData(t, name, data(o))
}

func layoutData(t *testing.T, name string, d *label.Data) *label.Document {
	t.Helper()
	tpl, err := label.Standard(name)
	require.NoError(t, err)
	doc, err := label.Layout(tpl, d, &label.LayoutOptions{Now: time.Date(2026, 11, 11, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))})
	require.NoError(t, err)
	return doc
}

// receiptSamples are the orders the packing-list tests render, found by content.
func receiptSamples(t *testing.T) map[string]sampleOrder {
	orders := loadOrders(t)
	most := orders[0]
	for _, o := range orders {
		if len(o.Items) > len(most.Items) {
			most = o
		}
	}
	return map[string]sampleOrder{
		"ordinary":    orders[0],
		"many-items":  most,
		"emoji":       pick(t, orders, "an emoji remark", func(o sampleOrder) bool { return strings.Contains(o.Remark.Buyer, "😀") }),
		"zpl-in-name": pick(t, orders, "ZPL in a name", func(o sampleOrder) bool { return strings.Contains(o.Recipient.Name, "^XA") }),
		"tilde":       pick(t, orders, "a tilde command", func(o sampleOrder) bool { return strings.Contains(o.Recipient.Name+o.Recipient.Address, "~") }),
	}
}

// wide reports whether the printer font cannot have r (a 4-byte GB18030 sequence).
func wide(r rune) bool {
	b, err := simplifiedchinese.GB18030.NewEncoder().String(string(r))
	return err == nil && len(b) == 4
}

// printed is what a text line prints as when unprintable characters become '?'.
func printed(s string) string {
	return strings.Map(func(r rune) rune {
		if wide(r) {
			return '?'
		}
		return r
	}, clean(s))
}

// textLines returns the page's text lines in print order.
func textLines(p label.Page) []label.TextLine {
	var out []label.TextLine
	for _, op := range p.Ops {
		if t, ok := op.(label.TextLine); ok {
			out = append(out, t)
		}
	}
	slices.SortStableFunc(out, func(a, b label.TextLine) int {
		if d := dots(a.Y) - dots(b.Y); d != 0 {
			return d
		}
		return dots(a.X) - dots(b.X)
	})
	return out
}

// TestStandardPackingList renders the 80 mm packing list for sample orders: the
// bytes match the golden files and the decoded stream holds our commands and the
// laid-out text, nothing else.
func TestStandardPackingList(t *testing.T) {
	r, err := New(&Options{ReplaceUnprintable: true})
	require.NoError(t, err)
	for name, o := range receiptSamples(t) {
		t.Run(name, func(t *testing.T) {
			doc := layout(t, "packing-80mm", o)
			out, err := r.AppendDocument(nil, doc)
			require.NoError(t, err)
			golden(t, "packing-80mm-"+name+".bin", out)
			evs, err := decodeStream(out)
			require.NoError(t, err)
			golden(t, "packing-80mm-"+name+".txt", []byte(dump(evs)))
			var want []string
			for _, p := range doc.Pages {
				for _, tl := range textLines(p) {
					if s := printed(tl.Text); s != "" {
						want = append(want, s)
					}
				}
			}
			assert.Equal(t, want, texts(evs))
			assert.Equal(t, len(doc.Pages), countCmd(evs, "ESC @"))
			assert.Equal(t, len(doc.Pages), countCmd(evs, "GS V"))
			if name == "many-items" {
				assert.GreaterOrEqual(t, len(want), len(o.Items), "every item prints")
			}
		})
	}
}

// TestStandardPackingListRaster prints lines outside the printer font as images
// drawn by label/raster, and whole pages in raster mode.
func TestStandardPackingListRaster(t *testing.T) {
	rz, err := raster.New(nil)
	if err != nil {
		t.Skipf("no font on this machine (install fonts-arphic-gbsn00lp fonts-dejavu-core): %v", err)
	}
	r, err := New(&Options{TextRasterizer: rz})
	require.NoError(t, err)
	o := receiptSamples(t)["emoji"]
	doc := layout(t, "packing-80mm", o)
	out, err := r.AppendDocument(nil, doc)
	require.NoError(t, err)
	evs, err := decodeStream(out)
	require.NoError(t, err)
	rows := map[int]bool{}
	var want []string
	for _, tl := range textLines(doc.Pages[0]) {
		if strings.ContainsFunc(clean(tl.Text), wide) {
			rows[dots(tl.Y)] = true
		}
	}
	for _, tl := range textLines(doc.Pages[0]) {
		if !rows[dots(tl.Y)] && clean(tl.Text) != "" {
			want = append(want, clean(tl.Text))
		}
	}
	require.NotEmpty(t, rows, "the sample has a line outside the printer font")
	var images int
	for _, e := range evs {
		if e.Cmd == "GS v 0" && e.Rows > 2 { // rules are 2 rows high
			images++
			assert.True(t, slices.ContainsFunc(e.Bits, func(b byte) bool { return b != 0 }), "the image has ink")
		}
	}
	assert.Equal(t, len(rows), images)
	assert.Equal(t, want, texts(evs))

	pr, err := New(&Options{Mode: ModeRaster, PageRasterizer: rz})
	require.NoError(t, err)
	out, err = pr.AppendDocument(nil, doc)
	require.NoError(t, err)
	evs, err = decodeStream(out)
	require.NoError(t, err)
	assert.Empty(t, texts(evs))
	total := 0
	for _, e := range evs {
		if e.Cmd == "GS v 0" {
			assert.Equal(t, Paper80/8, e.Stride)
			total += e.Rows
		}
	}
	assert.Equal(t, dots(doc.Pages[0].Height), total)
}

// TestHostileAddressOnReceipt prints a waybill whose address holds ESC/POS and ZPL
// commands: the address prints as text, the command bytes never reach the printer.
func TestHostileAddressOnReceipt(t *testing.T) {
	orders := loadOrders(t)
	o := pick(t, orders, "ESC/POS commands in an address", func(o sampleOrder) bool {
		return strings.Contains(o.Recipient.Address, "\x1b") && strings.Contains(o.Recipient.Address, "\x1d")
	})
	doc := layout(t, "waybill-76x130", o)
	r, err := New(&Options{ReplaceUnprintable: true})
	require.NoError(t, err)
	out, err := r.AppendDocument(nil, doc)
	require.NoError(t, err)
	evs, err := decodeStream(out)
	require.NoError(t, err, "only our commands")
	all := strings.Join(texts(evs), "") // layout wraps the address
	assert.Contains(t, all, "~JR~PS 复位@V (a) Tj", "the address prints as text without its control bytes")
	assert.Equal(t, 1, countCmd(evs, "ESC @"))
	assert.Equal(t, 1, countCmd(evs, "GS V"))
	assert.Equal(t, 1, countCmd(evs, "GS k"))
	for _, e := range evs {
		if e.Cmd == "GS V" {
			assert.Equal(t, []byte{65, 0}, e.Args, "only the final cut")
		}
	}
}
