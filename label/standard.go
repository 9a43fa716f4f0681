package label

import (
	"embed"
	"fmt"
	"strings"
)

//go:embed templates/*.json
var standardFS embed.FS

// standardNames lists the standard templates in a stable order.
var standardNames = []string{
	"waybill-76x130", "waybill-100x180", "waybill-100x150",
	"packing-80mm", "packing-a4", "product-40x30", "product-60x40",
}

// StandardNames returns the names of the standard templates:
// waybill-76x130 (one-part waybill), waybill-100x180 (two-part waybill with a stub),
// waybill-100x150, packing-80mm (receipt that grows), packing-a4 (continues on
// pages), product-40x30 and product-60x40 (product labels, fields item.*; the 40x30
// encodes item.barcode, the 60x40 item.sku).
func StandardNames() []string {
	return append([]string(nil), standardNames...)
}

// Standard returns a fresh copy of the standard template name, which the caller may
// change. Unknown names are an [ErrUnknownTemplate] error.
func Standard(name string) (*Template, error) {
	for _, n := range standardNames {
		if n == name {
			data, err := standardFS.ReadFile("templates/" + name + ".json")
			if err != nil {
				return nil, err
			}
			return ParseTemplate(data)
		}
	}
	return nil, fmt.Errorf("%w: %q (standard: %s)", ErrUnknownTemplate, name, strings.Join(standardNames, ", "))
}

// WithRow returns a copy of d whose fields also hold the fields of r under prefix
// ("item." gives item.sku, item.name ...). Product label templates bind one row of
// table items this way.
func (d *Data) WithRow(prefix string, r Row) *Data {
	out := &Data{Fields: make(map[string]string, len(r)+8)}
	if d != nil {
		for k, v := range d.Fields {
			out.Fields[k] = v
		}
		out.Tables, out.Std = d.Tables, d.Std
	}
	for k, v := range r {
		out.Fields[prefix+k] = v
	}
	return out
}
