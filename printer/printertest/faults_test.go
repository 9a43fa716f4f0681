package printertest_test

import (
	"fmt"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/printertest"
)

func newEmu(t *testing.T, opts *printertest.Options) *printertest.Printer {
	t.Helper()
	e, err := printertest.New(opts)
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	return e
}

func TestNoStatusReadsButNeverAnswers(t *testing.T) {
	e := newEmu(t, nil)
	e.NoStatus()
	c := connect(t, e)
	_, err := c.Write([]byte("~HS^XA^FDx^FS^XZ~HS"))
	require.NoError(t, err)
	require.Eventually(t, func() bool { return e.QueriesReceived() == 2 }, time.Second, time.Millisecond)
	c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	n, err := c.Read(make([]byte, 16))
	assert.Zero(t, n)
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
	assert.Zero(t, e.StatusQueries(), "none answered")
	assert.Len(t, e.Printed(), 1, "jobs still print")
	require.NoError(t, e.Clear())
	_, err = c.Write([]byte("~HS"))
	require.NoError(t, err)
	assert.Equal(t, byte(0x02), read(t, c, 1)[0], "Clear ends it")
}

func TestAnswerGarbage(t *testing.T) {
	e := newEmu(t, &printertest.Options{Language: printertest.ESCPOS})
	e.AnswerGarbage([]byte("nope"))
	c := connect(t, e)
	_, err := c.Write([]byte{0x10, 0x04, 1})
	require.NoError(t, err)
	assert.Equal(t, "nope", string(read(t, c, 4)))
}

func TestCloseOnAccept(t *testing.T) {
	e := newEmu(t, nil)
	e.CloseOnAccept()
	c := connect(t, e)
	c.SetReadDeadline(time.Now().Add(time.Second))
	_, err := c.Read(make([]byte, 1))
	assert.ErrorIs(t, err, io.EOF, "closed at once")
	assert.Equal(t, 1, e.Connections())
}

func TestPaperOutOnNextJobHoldsFormats(t *testing.T) {
	e := newEmu(t, nil)
	e.PaperOutOnNextJob(200 * time.Millisecond)
	c := connect(t, e)
	_, err := c.Write([]byte("^XA^FD1^FS^XZ^XA^FD2^FS^XZ"))
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(e.Jobs()) == 2 }, time.Second, time.Millisecond)
	st := e.Status()
	assert.True(t, st.Has(printer.PaperOut))
	assert.Equal(t, 2, st.Pending)
	_, err = c.Write([]byte("~HS"))
	require.NoError(t, err)
	reply := read(t, c, 3)
	assert.Equal(t, byte(0x02), reply[0])
	for _, j := range e.Jobs() {
		assert.True(t, j.Held)
		assert.False(t, j.Printed)
	}
	require.Eventually(t, func() bool { return len(e.Printed()) == 2 }, time.Second, 5*time.Millisecond)
	assert.True(t, e.Status().Ready())
	assert.Zero(t, e.Pending())
	for _, j := range e.Jobs() {
		assert.False(t, j.Held)
	}
}

func TestLimitSpeed(t *testing.T) {
	e := newEmu(t, &printertest.Options{ReadBuffer: 4 << 10})
	e.LimitSpeed(20 << 10)
	c := connect(t, e)
	start := time.Now()
	go c.Write(make([]byte, 10<<10))
	require.Eventually(t, func() bool { return e.Consumed() == 10<<10 }, 2*time.Second, time.Millisecond)
	assert.Greater(t, time.Since(start), 350*time.Millisecond, "10 KiB at 20 KiB/s")
}

func TestSink(t *testing.T) {
	s, err := printertest.NewSink(0)
	require.NoError(t, err)
	defer s.Close()
	c, err := net.Dial("tcp", s.Addr())
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Write([]byte("~HS"))
	require.NoError(t, err)
	require.Eventually(t, func() bool { return string(s.Bytes()) == "~HS" }, time.Second, time.Millisecond)
	c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	n, _ := c.Read(make([]byte, 8))
	assert.Zero(t, n, "a sink never answers")
	assert.Equal(t, 1, s.Connections())
}

func ExampleSink() {
	s, _ := printertest.NewSink(0) // reads everything, answers nothing
	defer s.Close()
	c, _ := net.Dial("tcp", s.Addr())
	c.Write([]byte("^XA^FDhello^FS^XZ"))
	c.Close()
	for len(s.Bytes()) < 17 {
		time.Sleep(time.Millisecond)
	}
	fmt.Println(string(s.Bytes()))
	// Output: ^XA^FDhello^FS^XZ
}

func ExamplePrinter_PaperOutOnNextJob() {
	e, _ := printertest.New(nil)
	defer e.Close()
	e.PaperOutOnNextJob(50 * time.Millisecond)
	c, _ := net.Dial("tcp", e.Addr())
	defer c.Close()
	c.Write([]byte("^XA^FDheld^FS^XZ"))
	for len(e.Jobs()) == 0 {
		time.Sleep(time.Millisecond)
	}
	st := e.Status()
	fmt.Println(st.States, st.Pending, len(e.Printed()))
	for len(e.Printed()) == 0 {
		time.Sleep(time.Millisecond)
	}
	fmt.Println(e.Status().States, e.Pending(), len(e.Printed()))
	// Output:
	// paper out 1 0
	// ready 0 1
}
