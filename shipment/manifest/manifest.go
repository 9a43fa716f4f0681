// Package manifest writes a [shipment.Manifest] as CSV and as a Chinese A4 page
// (交接单) laid out as a [label.Document], for the project's PDF renderer or
// any other. Recipients' names, phone numbers and detail addresses are masked in
// both (the destination shows province, city, district and street), whoever
// writes them: a manifest goes to the courier.
package manifest

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/shipment"
)

// Header is the CSV header row.
var Header = []string{"no", "tracking_no", "order", "carrier", "recipient", "phone", "destination", "piece", "weight_g"}

// WriteCSV writes m with a header row and one row per parcel. Cells that a
// spreadsheet would run as a formula are prefixed with a quote.
func WriteCSV(w io.Writer, m *shipment.Manifest) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Header); err != nil {
		return err
	}
	for i, p := range m.Parcels {
		row := []string{strconv.Itoa(i + 1), p.TrackingNo, p.OrderID, m.Carrier,
			label.MaskName(p.Recipient.Name), label.MaskPhone(p.Recipient.Phone), destination(&p.Recipient),
			piece(&p), strconv.Itoa(p.WeightGrams)}
		for j := range row {
			row[j] = safeCell(row[j])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeCell defuses spreadsheet formulas in untrusted text.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// destination is where the parcel goes without the detail address.
func destination(p *order.Party) string {
	m := access.MaskParty(*p)
	m.Address = ""
	return m.FullAddress()
}

func piece(p *shipment.Parcel) string {
	if p.Pieces > 1 {
		return fmt.Sprintf("%d/%d", p.Piece, p.Pieces)
	}
	return "1"
}

// Page geometry of the A4 manifest, in millimetres.
const (
	pageW, pageH = 210.0, 297.0
	margin       = 15.0
	rowH         = 6.5
	textSize     = 3.5
	firstRowY    = 52.0
	footH        = 50.0 // totals and the two signature lines
)

// column is a table column: its heading, left edge and width.
type column struct {
	head string
	x, w float64
}

var columns = []column{
	{"序号", margin, 12},
	{"运单号", margin + 12, 42},
	{"订单号", margin + 54, 40},
	{"收件人", margin + 94, 20},
	{"目的地", margin + 114, 42},
	{"件", margin + 156, 8},
	{"重量(kg)", margin + 164, 16},
}

// Document lays m out on A4 pages: title, carrier, date and batch, a line per
// parcel, the totals and two signature lines (warehouse and courier). Long
// lists continue on further pages. at is the printing time shown.
func Document(m *shipment.Manifest, at time.Time) *label.Document {
	avail, foot := pageH-margin-firstRowY, footH
	rowsPerPage, lastRows := int(avail/rowH), int((avail-foot)/rowH)
	var pages [][]shipment.Parcel
	rest := m.Parcels
	for len(rest) > lastRows {
		n := min(len(rest), rowsPerPage)
		pages = append(pages, rest[:n])
		rest = rest[n:]
	}
	pages = append(pages, rest)
	doc := &label.Document{Template: "handover-a4", Version: "1"}
	no := 0
	for i, rows := range pages {
		var ops []label.Op
		text := func(x, y, size float64, bold bool, s string, maxW float64) {
			if maxW > 0 {
				s = fit(s, maxW/size)
			}
			ops = append(ops, label.TextLine{X: x, Y: y, Size: size, Width: label.TextEm(s) * size, Bold: bold, Text: s})
		}
		text(margin, margin, 7, true, "快递交接单", 0)
		text(pageW-margin-40, margin+2, textSize, false, fmt.Sprintf("第 %d/%d 页", i+1, len(pages)), 0)
		text(margin, margin+12, 4, false, "承运商："+m.Carrier, 0)
		text(margin+55, margin+12, 4, false, "日期："+m.Date.Format("2006-01-02"), 0)
		text(margin+105, margin+12, 4, false, "批次："+m.Name(), 0)
		text(margin, margin+19, textSize, false, "打印时间："+at.Format("2006-01-02 15:04"), 0)
		y := firstRowY - rowH
		for _, c := range columns {
			text(c.x+1, y+1.5, textSize, true, c.head, c.w-1)
		}
		ops = append(ops, label.Line{X1: margin, Y1: y + rowH, X2: pageW - margin, Y2: y + rowH, Thickness: 0.4})
		for _, p := range rows {
			no++
			y += rowH
			cells := []string{strconv.Itoa(no), p.TrackingNo, p.OrderID, label.MaskName(p.Recipient.Name),
				destination(&p.Recipient), piece(&p), kg(p.WeightGrams)}
			for j, c := range columns {
				text(c.x+1, y+1.5, textSize, false, cells[j], c.w-1)
			}
			ops = append(ops, label.Line{X1: margin, Y1: y + rowH, X2: pageW - margin, Y2: y + rowH, Thickness: 0.15})
		}
		if i == len(pages)-1 {
			y += rowH + 6
			text(margin, y, 4, true, fmt.Sprintf("合计：%d 件，总重 %s kg", len(m.Parcels), kg(m.TotalGrams())), 0)
			y += 16
			text(margin, y, 4, false, "发货方签字：", 0)
			ops = append(ops, label.Line{X1: margin + 24, Y1: y + 4, X2: margin + 80, Y2: y + 4, Thickness: 0.3})
			text(margin+95, y, 4, false, "快递员签字：", 0)
			ops = append(ops, label.Line{X1: margin + 119, Y1: y + 4, X2: pageW - margin, Y2: y + 4, Thickness: 0.3})
			y += 10
			text(margin, y, textSize, false, "交接时间：", 0)
			text(margin+95, y, textSize, false, "交接时间：", 0)
		}
		doc.Pages = append(doc.Pages, label.Page{Width: pageW, Height: pageH, Ops: ops})
	}
	return doc
}

func kg(g int) string {
	if g == 0 {
		return "-"
	}
	return strconv.FormatFloat(float64(g)/1000, 'f', 3, 64)
}

// fit cuts s to at most maxEm ems, by whole clusters.
func fit(s string, maxEm float64) string {
	em := 0.0
	for i := 0; i < len(s); {
		n, w := label.NextCluster(s[i:])
		if em+w > maxEm {
			return s[:i]
		}
		em += w
		i += n
	}
	return s
}
