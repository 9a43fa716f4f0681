package sqlite

import (
	"bytes"
	"fmt"
	"testing"
)

func rosterText(r rosterRow) []byte {
	return fmt.Appendf(nil, "%d,%d,%d:%s%d:%s%d,%d:%s%d:%s", r.seq, r.at, len(r.id), r.id, len(r.actor), r.actor, r.jseq,
		len(r.doc), r.doc, len(r.printer), r.printer)
}

func FuzzParseRosterRow(f *testing.F) {
	f.Add(int64(1), int64(-9223372036854775808), []byte("1,2:3"), []byte("3:x"), int64(-1), []byte(""), []byte("p:1,"))
	f.Add(int64(7), int64(1700000000000000000), []byte("中文"), []byte("^XA"), int64(42), []byte("waybill"), []byte("zebra"))
	f.Fuzz(func(t *testing.T, seq, at int64, id, actor []byte, jseq int64, printer []byte, doc []byte) {
		want := rosterRow{seq: seq, at: at, id: id, actor: actor, jseq: jseq, doc: doc, printer: printer}
		got, err := parseRosterRow(rosterText(want))
		if err != nil {
			t.Fatalf("%q: %v", rosterText(want), err)
		}
		if got.seq != seq || got.at != at || got.jseq != jseq || !bytes.Equal(got.id, id) || !bytes.Equal(got.actor, actor) ||
			!bytes.Equal(got.doc, doc) || !bytes.Equal(got.printer, printer) {
			t.Fatalf("round trip: %+v, want %+v", got, want)
		}
		// Any bytes at all: an error or a row, never a panic.
		_, _ = parseRosterRow(id)
	})
}
