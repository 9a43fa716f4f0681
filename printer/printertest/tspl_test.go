package printertest_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/tspl"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/printertest"
)

func newTSPL(t *testing.T) *printertest.Printer {
	t.Helper()
	e, err := printertest.New(&printertest.Options{Language: printertest.TSPL})
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	return e
}

// tsplLabel renders a one-page label with the TSPL renderer: text, a barcode and
// an image whose bitmap data holds CR LF and "PRINT" bytes.
func tsplLabel(t *testing.T, text string) []byte {
	t.Helper()
	r, err := tspl.New(nil)
	require.NoError(t, err)
	// Inverted by the renderer, these bytes are "\r\nPRINT 9\r\n" inside the data.
	raw := []byte("\r\nPRINT 9\r\n")
	for i := range raw {
		raw[i] = ^raw[i]
	}
	bm := &label.Bitmap{Width: 8 * len(raw), Height: 1, Stride: len(raw), Bits: raw}
	doc := &label.Document{Pages: []label.Page{{Width: 40, Height: 30, Ops: []label.Op{
		label.TextLine{X: 1, Y: 1, Size: 3, Width: 30, Text: text},
		label.Barcode{X: 1, Y: 8, Module: 0.25, Height: 8, Data: "756123456789"},
		label.Image{X: 1, Y: 20, W: 11, H: 0.125, Bitmap: bm},
	}}}}
	var buf bytes.Buffer
	require.NoError(t, r.Render(context.Background(), &buf, doc))
	require.Contains(t, buf.String(), "\r\nPRINT 9\r\n", "the bitmap data holds a PRINT line")
	return buf.Bytes()
}

// status sends ESC ! ? and returns the one-byte answer.
func status(t *testing.T, c net.Conn) byte {
	t.Helper()
	_, err := c.Write([]byte("\x1b!?"))
	require.NoError(t, err)
	return read(t, c, 1)[0]
}

func TestTSPLJobs(t *testing.T) {
	e := newTSPL(t)
	c := connect(t, e)
	one := tsplLabel(t, "张三 PRINT 5")
	stream := append(append([]byte("\r\n"), one...), "SIZE 40 mm,30 mm\r\nCLS\r\nTEXT 8,8,\"3\",0,1,1,\"x\"\r\nprint 3,2\r\n"...)
	for i := range stream { // one byte at a time: commands and bitmap data split across reads
		_, err := c.Write(stream[i : i+1])
		require.NoError(t, err)
		if i%50 == 0 {
			time.Sleep(100 * time.Microsecond)
		}
	}
	require.Eventually(t, func() bool { return len(e.Jobs()) == 2 }, 2*time.Second, time.Millisecond)
	jobs := e.Printed()
	require.Len(t, jobs, 2)
	assert.Equal(t, string(one), string(jobs[0].Data), "the bitmap's PRINT bytes are data, not the end of the job")
	assert.Equal(t, 1, jobs[0].Labels)
	assert.Equal(t, 6, jobs[1].Labels, "PRINT 3,2 prints 3 sets of 2 copies")
	assert.True(t, strings.HasPrefix(string(jobs[1].Data), "SIZE"))
	assert.Equal(t, 7, e.LabelsPrinted())
	assert.Zero(t, e.StatusQueries())
}

func TestTSPLStatus(t *testing.T) {
	e := newTSPL(t)
	c := connect(t, e)
	assert.Equal(t, byte(0x00), status(t, c), "ready")
	for _, s := range []struct {
		state printer.State
		want  byte
	}{
		{printer.HeadOpen, 0x01},
		{printer.PaperOut, 0x04},
		{printer.RibbonOut, 0x08},
		{printer.Paused, 0x10},
		{printer.Fault, 0x80},
		{printer.PaperNearEnd, 0x00},
		{printer.PaperOut | printer.HeadOpen, 0x05},
	} {
		require.NoError(t, e.Clear())
		e.SetFault(s.state)
		assert.Equal(t, s.want, status(t, c), "%v", s.state)
	}
	require.NoError(t, e.Clear())

	// A query inside a job, split across writes, is answered and is not part of
	// the job.
	_, err := c.Write([]byte("SIZE 40 mm,30 mm\r\nCLS\r\n\x1b"))
	require.NoError(t, err)
	time.Sleep(5 * time.Millisecond)
	_, err = c.Write([]byte("!"))
	require.NoError(t, err)
	time.Sleep(5 * time.Millisecond)
	_, err = c.Write([]byte("?PRINT 1\r\n"))
	require.NoError(t, err)
	assert.Equal(t, byte(0x00), read(t, c, 1)[0])
	require.Eventually(t, func() bool { return len(e.Jobs()) == 1 }, 2*time.Second, time.Millisecond)
	assert.Equal(t, "SIZE 40 mm,30 mm\r\nCLS\r\nPRINT 1\r\n", string(e.Jobs()[0].Data))
	assert.Equal(t, 9, e.StatusQueries())
}

func TestTSPLFaultRejectsJob(t *testing.T) {
	e := newTSPL(t)
	c := connect(t, e)
	e.PaperOut()
	_, err := c.Write(tsplLabel(t, "a"))
	require.NoError(t, err)
	assert.Equal(t, byte(0x04), status(t, c))
	require.Eventually(t, func() bool { return len(e.Jobs()) == 1 }, 2*time.Second, time.Millisecond)
	j := e.Jobs()[0]
	assert.False(t, j.Printed)
	assert.Equal(t, printer.PaperOut, j.Fault)
	assert.Zero(t, e.LabelsPrinted())

	require.NoError(t, e.Clear())
	e.HeadOpen()
	_, err = c.Write(tsplLabel(t, "b"))
	require.NoError(t, err)
	assert.Equal(t, byte(0x01), status(t, c))
	require.Eventually(t, func() bool { return len(e.Jobs()) == 2 }, 2*time.Second, time.Millisecond)
	assert.Equal(t, printer.HeadOpen, e.Jobs()[1].Fault)
	assert.Empty(t, e.Printed())
}

func TestTSPLDropAfter(t *testing.T) {
	e := newTSPL(t)
	job := tsplLabel(t, "cut short")
	e.DropAfter(len(job) - 5) // the connection closes inside PRINT 1,1
	c := connect(t, e)
	_, err := c.Write(job)
	require.NoError(t, err)
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, err = c.Read(make([]byte, 1))
	assert.Error(t, err, "the printer hung up")
	assert.Empty(t, e.Jobs(), "a job cut short is not printed")

	c2 := connect(t, e) // the drop is spent
	_, err = c2.Write(job)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return e.LabelsPrinted() == 1 }, 2*time.Second, time.Millisecond)
}

func TestTSPLStallAndRefuse(t *testing.T) {
	e := newTSPL(t)
	c := connect(t, e)
	e.Stall(150 * time.Millisecond)
	start := time.Now()
	assert.Equal(t, byte(0), status(t, c))
	assert.GreaterOrEqual(t, time.Since(start), 100*time.Millisecond, "the answer comes after the stall")

	e.Refuse()
	_, err := net.DialTimeout("tcp", e.Addr(), time.Second)
	assert.Error(t, err)
	require.NoError(t, e.Clear())
	c2 := connect(t, e)
	assert.Equal(t, byte(0), status(t, c2))
}

func TestTSPLUnknownLanguage(t *testing.T) {
	_, err := printertest.New(&printertest.Options{Language: printertest.Language(9)})
	assert.Error(t, err)
}

func Example_tspl() {
	emu, err := printertest.New(&printertest.Options{Language: printertest.TSPL})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer emu.Close()
	c, err := net.Dial("tcp", emu.Addr())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	query := func() byte {
		c.Write([]byte("\x1b!?"))
		answer := make([]byte, 1)
		c.Read(answer)
		return answer[0]
	}
	c.Write([]byte("SIZE 40 mm,30 mm\r\nCLS\r\nTEXT 8,8,\"TSS24.BF2\",0,1,1,\"hello\"\r\nPRINT 2\r\n"))
	fmt.Printf("status %#02x, %d labels printed\n", query(), emu.LabelsPrinted())
	emu.PaperOut()
	fmt.Printf("status %#02x\n", query())
	// Output:
	// status 0x00, 2 labels printed
	// status 0x04
}

// TestTSPLRendererPages: a document of several pages from the TSPL renderer is
// one job per page, one label each, hostile text and all.
func TestTSPLRendererPages(t *testing.T) {
	e := newTSPL(t)
	r, err := tspl.New(nil)
	require.NoError(t, err)
	var pages []label.Page
	for _, s := range []string{"\"\r\nPRINT 9,9\r\n", "^XA^XZ", "\x1b!?\x1b!R"} {
		pages = append(pages, label.Page{Width: 40, Height: 30, Ops: []label.Op{
			label.TextLine{X: 1, Y: 1, Size: 3, Width: 38, Text: s},
		}})
	}
	var buf bytes.Buffer
	require.NoError(t, r.Render(context.Background(), &buf, &label.Document{Pages: pages}))
	c := connect(t, e)
	_, err = c.Write(buf.Bytes())
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(e.Jobs()) == 3 }, 2*time.Second, time.Millisecond)
	assert.Equal(t, 3, e.LabelsPrinted())
	assert.Zero(t, e.StatusQueries(), "text never reads as a status query")
}
