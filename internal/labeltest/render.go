package labeltest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/label"
)

// Layout lays out the standard template named template for d at [PrintTime].
func Layout(tb testing.TB, template string, d *label.Data) *label.Document {
	tb.Helper()
	tpl, err := label.Standard(template)
	require.NoError(tb, err)
	doc, err := label.Layout(tpl, d, &label.LayoutOptions{Now: PrintTime()})
	require.NoError(tb, err)
	return doc
}

// Golden compares got with the file testdata/name, or rewrites the file when update
// is set (the test's -update flag).
func Golden(tb testing.TB, name string, got []byte, update bool) {
	tb.Helper()
	path := filepath.Join("testdata", name)
	if update {
		require.NoError(tb, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(tb, err, "missing golden file; run go test -update")
	assert.Equal(tb, string(want), string(got), name)
}

// RenderConcurrently renders newDoc() with r from eight goroutines, twenty times
// each, and fails tb unless every render succeeds and returns want. A renderer that
// keeps state between renders, or shares a buffer, fails it under -race or by its
// output.
func RenderConcurrently(tb testing.TB, r label.Renderer, newDoc func() *label.Document, want []byte) {
	tb.Helper()
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			var buf bytes.Buffer
			for range 20 {
				buf.Reset()
				if err := r.Render(context.Background(), &buf, newDoc()); err != nil {
					errs <- err
					return
				}
				if !bytes.Equal(want, buf.Bytes()) {
					errs <- errors.New("output differs")
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		assert.NoError(tb, <-errs)
	}
}

// Appender is a renderer that appends a document's printer commands to a slice, as
// label/zpl and label/escpos do.
type Appender interface {
	AppendDocument(dst []byte, doc *label.Document) ([]byte, error)
}

// AppendLoop is the body of a benchmark that renders doc with r into one reused
// buffer; it reports allocations and the bytes of one document.
func AppendLoop(b *testing.B, r Appender, doc *label.Document) {
	b.Helper()
	buf, err := r.AppendDocument(nil, doc)
	require.NoError(b, err)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf, err = r.AppendDocument(buf[:0], doc)
		if err != nil {
			b.Fatal(err)
		}
	}
}

// Render renders doc with r and returns the bytes written.
func Render(tb testing.TB, r label.Renderer, doc *label.Document) []byte {
	tb.Helper()
	var buf bytes.Buffer
	require.NoError(tb, r.Render(context.Background(), &buf, doc))
	return buf.Bytes()
}
