package labeltest

import (
	"testing"

	"github.com/dadanhq/dadan/label"
)

// BarcodeCase is a realistic barcode value for one standard template: the longest
// tracking numbers and SKUs the templates must print whole.
type BarcodeCase struct {
	Template string // standard template name
	Field    string // the field its barcode binds
	Data     string
}

// BarcodeCases are the barcode values every renderer must print inside the label,
// with quiet zones, at 203 and 300 dpi: a 24-character JD tracking number (and
// shorter SF and ZTO ones) on every waybill, 12 to 15 character SKUs on the 60x40
// product label, and 12 to 15 digit GTINs on the 40x30 one (which encodes
// item.barcode: at the minimum module, [label.MinModule], 40 mm holds no more than
// nine letters).
func BarcodeCases() []BarcodeCase {
	var out []BarcodeCase
	for _, w := range []string{"waybill-76x130", "waybill-100x180", "waybill-100x150"} {
		for _, no := range []string{"JDVA01234567890123456789", "SF1234567890123", "75312345678901"} {
			out = append(out, BarcodeCase{w, "waybill.tracking_no", no})
		}
	}
	for _, sku := range []string{"TEA-PUER-357", "PHONE-CASE-15", "SKU-ABCDE-12345", "ZZ-WINTER-COAT"} {
		out = append(out, BarcodeCase{"product-60x40", "item.sku", sku})
	}
	for _, gtin := range []string{"012345678905", "6901234567892", "16901234567899", "690123456789012"} {
		out = append(out, BarcodeCase{"product-40x30", "item.barcode", gtin})
	}
	return out
}

// BarcodeData is the label data of the first sample order with c's field set to
// c.Data; for a product label, the fields of its first item under "item.".
func BarcodeData(tb testing.TB, c BarcodeCase) *label.Data {
	tb.Helper()
	d := Data(SampleOrders(tb)[0])
	if c.Field == "waybill.tracking_no" {
		d.Fields[c.Field] = c.Data
		return d
	}
	row := label.Row{}
	for k, v := range d.Tables["items"][0] {
		row[k] = v
	}
	row[c.Field[len("item."):]] = c.Data
	return d.WithRow("item.", row)
}
