package zpl

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

// samples are the orders the standard-template tests render, found by content.
func samples(t *testing.T) map[string]sampleOrder {
	orders := loadOrders(t)
	longest := orders[0]
	for _, o := range orders {
		if len(o.Recipient.full()) > len(longest.Recipient.full()) {
			longest = o
		}
	}
	return map[string]sampleOrder{
		"ordinary":    orders[0],
		"zpl-in-name": pick(t, orders, "ZPL in a name", func(o sampleOrder) bool { return strings.Contains(o.Recipient.Name, "^XA") }),
		"tilde":       pick(t, orders, "a tilde command", func(o sampleOrder) bool { return strings.Contains(o.Recipient.Name+o.Recipient.Address, "~") }),
		"non-bmp": pick(t, orders, "a non-BMP name", func(o sampleOrder) bool {
			return strings.ContainsFunc(o.Recipient.Name, func(r rune) bool { return r > 0xFFFF })
		}),
		"long-addr": longest,
	}
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

// expectedFields lists the field data the renderer must send for doc in font mode.
func expectedFields(doc *label.Document) []string {
	var out []string
	for _, p := range doc.Pages {
		for _, op := range p.Ops {
			switch o := op.(type) {
			case label.TextLine:
				out = append(out, o.Text)
				if o.Bold && !o.Reverse {
					out = append(out, o.Text)
				}
			case label.Barcode:
				if evenDigits(o.Data) {
					out = append(out, ">;"+o.Data)
				} else {
					out = append(out, o.Data)
				}
			case label.QR:
				lvl := string(o.Level)
				if lvl != "L" && lvl != "Q" && lvl != "H" {
					lvl = "M"
				}
				out = append(out, lvl+"A,"+o.Data)
			}
		}
	}
	return out
}

var emitted = []string{"~SD", "^XA", "^CI", "^PW", "^LL", "^LH", "^PR", "^CW", "^FO", "^A", "^FH", "^FD", "^FS",
	"^FR", "^BY", "^BC", "^BQ", "^GB", "^GD", "^GF", "^XZ"}

// TestStandardTemplates renders the standard label templates for sample orders: the
// output matches the golden files, every field carries exactly the laid-out text,
// and no command comes from data.
func TestStandardTemplates(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	for name, o := range samples(t) {
		for _, tpl := range []string{"waybill-76x130", "waybill-100x180", "product-60x40"} {
			if tpl != "waybill-76x130" && name != "ordinary" && name != "zpl-in-name" {
				continue
			}
			t.Run(tpl+"/"+name, func(t *testing.T) {
				d := data(o)
				if strings.HasPrefix(tpl, "product") {
					d = d.WithRow("item.", d.Tables["items"][0])
				}
				doc := layoutData(t, tpl, d)
				out, err := r.AppendDocument(nil, doc)
				require.NoError(t, err)
				golden(t, tpl+"-"+name+".zpl", out)
				cmds, err := decode(out)
				require.NoError(t, err)
				assert.Equal(t, len(doc.Pages), count(cmds, "^XA"))
				assert.Equal(t, len(doc.Pages), count(cmds, "^XZ"))
				for _, c := range cmds {
					assert.Contains(t, emitted, c.Name)
				}
				assert.Equal(t, expectedFields(doc), fieldData(cmds))
				if name == "zpl-in-name" && tpl == "waybill-76x130" {
					// Layout shortens the name to its box; the rest is one field.
					prefix := o.Recipient.Name[:30]
					assert.True(t, slices.ContainsFunc(fieldData(cmds), func(s string) bool { return strings.HasPrefix(s, prefix) }),
						"the hostile name prints as a field")
				}
			})
		}
	}
}

// TestStandardTemplatesGraphics prints the waybill text as graphics drawn by
// label/raster, for printers without a Chinese font.
func TestStandardTemplatesGraphics(t *testing.T) {
	rz, err := raster.New(nil)
	if err != nil {
		t.Skipf("no font on this machine (install fonts-arphic-gbsn00lp fonts-dejavu-core): %v", err)
	}
	for _, c := range []Compression{CompressZ64, CompressACS} {
		r, err := New(&Options{TextMode: TextGraphics, Rasterizer: rz, Compression: c})
		require.NoError(t, err)
		for name, o := range samples(t) {
			doc := layout(t, "waybill-76x130", o)
			out, err := r.AppendDocument(nil, doc)
			require.NoError(t, err, name)
			cmds, err := decode(out)
			require.NoError(t, err, name)
			var graphics, ascii []string
			for _, op := range doc.Pages[0].Ops {
				if tl, ok := op.(label.TextLine); ok {
					if isASCII(tl.Text) {
						ascii = append(ascii, tl.Text)
						if tl.Bold && !tl.Reverse {
							ascii = append(ascii, tl.Text)
						}
					} else {
						graphics = append(graphics, tl.Text)
					}
				}
			}
			assert.Equal(t, len(graphics), count(cmds, "^GF"), name)
			assert.Zero(t, count(cmds, "^CW"))
			for _, c := range cmds {
				if c.Name == "^GF" {
					raw, _, err := graphic(c.Params)
					require.NoError(t, err, "%s: graphic decodes, CRC matches", name)
					assert.Contains(t, raw, byte(0xFF)&raw[slices.IndexFunc(raw, func(b byte) bool { return b != 0 })], "%s: graphic has ink", name)
				}
			}
			fd := fieldData(cmds)
			for _, s := range ascii {
				assert.Contains(t, fd, s, name)
			}
		}
	}
}
