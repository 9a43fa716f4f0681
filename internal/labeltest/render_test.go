package labeltest_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
)

func TestLayout(t *testing.T) {
	o := labeltest.Cases(t)["ordinary"]
	doc := labeltest.Layout(t, "waybill-76x130", labeltest.Data(o))
	require.NotEmpty(t, doc.Pages)
	var texts []string
	for _, op := range doc.Pages[0].Ops {
		if tl, ok := op.(label.TextLine); ok {
			texts = append(texts, tl.Text)
		}
	}
	assert.Contains(t, texts, "2026-11-11 10:00", "printed at PrintTime")
	assert.Contains(t, texts, labeltest.TrackingNo(o.ID))
}

func TestGolden(t *testing.T) {
	t.Chdir(t.TempDir())
	require.NoError(t, os.Mkdir("testdata", 0o755))
	labeltest.Golden(t, "a.txt", []byte("one"), true)
	got, err := os.ReadFile(filepath.Join("testdata", "a.txt"))
	require.NoError(t, err)
	assert.Equal(t, "one", string(got))
	labeltest.Golden(t, "a.txt", []byte("one"), false)

	ft := &fakeTB{TB: t}
	labeltest.Golden(ft, "a.txt", []byte("two"), false)
	assert.True(t, ft.failed, "a difference fails the test")
	ft = &fakeTB{TB: t}
	func() {
		defer func() { _ = recover() }()
		labeltest.Golden(ft, "missing.txt", nil, false)
	}()
	assert.Contains(t, ft.msg, "missing golden file")
}

// renderFunc is a label.Renderer made of a function.
type renderFunc func(w io.Writer) error

func (f renderFunc) Render(_ context.Context, w io.Writer, _ *label.Document) error { return f(w) }

func TestRenderConcurrently(t *testing.T) {
	doc := func() *label.Document { return &label.Document{} }
	var n atomic.Int32
	labeltest.RenderConcurrently(t, renderFunc(func(w io.Writer) error {
		n.Add(1)
		_, err := w.Write([]byte("^XA^XZ"))
		return err
	}), doc, []byte("^XA^XZ"))
	assert.EqualValues(t, 8*20, n.Load())

	ft := &fakeTB{TB: t}
	n.Store(0)
	labeltest.RenderConcurrently(ft, renderFunc(func(w io.Writer) error {
		if n.Add(1) == 77 {
			_, err := w.Write([]byte("^XA^FDx^FS^XZ"))
			return err
		}
		_, err := w.Write([]byte("^XA^XZ"))
		return err
	}), doc, []byte("^XA^XZ"))
	assert.True(t, ft.failed, "one differing render fails the test")
	assert.Contains(t, ft.msg, "output differs")
}

// appendFunc is a labeltest.Appender made of a function.
type appendFunc func(dst []byte) []byte

func (f appendFunc) AppendDocument(dst []byte, _ *label.Document) ([]byte, error) { return f(dst), nil }

func TestAppendLoop(t *testing.T) {
	var calls atomic.Int64
	res := testing.Benchmark(func(b *testing.B) {
		labeltest.AppendLoop(b, appendFunc(func(dst []byte) []byte {
			calls.Add(1)
			return append(dst, "0123456789"...)
		}), &label.Document{})
	})
	assert.Positive(t, res.N)
	assert.EqualValues(t, 10, res.Bytes, "bytes of one document")
	assert.GreaterOrEqual(t, calls.Load(), int64(res.N)+1)
}

func TestRender(t *testing.T) {
	got := labeltest.Render(t, renderFunc(func(w io.Writer) error {
		_, err := io.WriteString(w, "%PDF-1.7")
		return err
	}), &label.Document{})
	assert.Equal(t, "%PDF-1.7", string(got))

	ft := &fakeTB{TB: t}
	func() {
		defer func() { _ = recover() }()
		labeltest.Render(ft, renderFunc(func(io.Writer) error { return errors.New("printer on fire") }), &label.Document{})
	}()
	assert.True(t, ft.failed, "a render error fails the test")
}
