package qa

import (
	"strings"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
)

// Derive makes the printed record of an order from its printed journal event
// and its print jobs. The event's Detail lists "kind template@version hash" per
// document, separated by "; "; each document takes the printer and full hash of
// the latest first-copy job of that kind, template and version. Without a
// readable Detail the latest first-copy job of each kind is used.
func Derive(ev order.Event, jobs []printer.Job) Printed {
	p := Printed{Order: ev.OrderID, Time: ev.Time, Operator: ev.Actor}
	for part := range strings.SplitSeq(ev.Detail, "; ") {
		f := strings.Fields(part)
		if len(f) < 2 {
			continue
		}
		at := strings.LastIndexByte(f[1], '@')
		if at < 0 {
			continue
		}
		d := Doc{Kind: f[0], Template: f[1][:at], Version: f[1][at+1:]}
		if len(f) > 2 {
			d.Hash = f[2]
		}
		if j := latest(jobs, d.Kind, func(j *printer.Job) bool {
			return j.Key.Template == d.Template && j.Key.Version == d.Version
		}); j != nil {
			d.Printer = j.Printer
			if strings.HasPrefix(j.Hash, d.Hash) {
				d.Hash = j.Hash
			}
		}
		p.Docs = append(p.Docs, d)
	}
	if len(p.Docs) > 0 {
		return p
	}
	var kinds []printer.DocKind
	for _, j := range jobs {
		if j.Key.Copy == 1 && !contains(kinds, j.Key.Doc) {
			kinds = append(kinds, j.Key.Doc)
		}
	}
	for _, k := range kinds {
		j := latest(jobs, string(k), func(*printer.Job) bool { return true })
		p.Docs = append(p.Docs, Doc{Kind: string(k), Template: j.Key.Template, Version: j.Key.Version, Hash: j.Hash, Printer: j.Printer})
	}
	return p
}

func contains(ks []printer.DocKind, k printer.DocKind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// latest returns the first-copy job of kind with the highest Seq that ok accepts.
func latest(jobs []printer.Job, kind string, ok func(*printer.Job) bool) *printer.Job {
	var best *printer.Job
	for i := range jobs {
		j := &jobs[i]
		if string(j.Key.Doc) == kind && j.Key.Copy == 1 && ok(j) && (best == nil || j.Seq > best.Seq) {
			best = j
		}
	}
	return best
}
