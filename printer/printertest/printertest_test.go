package printertest_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/dadanhq/dadan/printer/tcp"
)

func connect(t *testing.T, e *printertest.Printer) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", e.Addr())
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

func read(t *testing.T, c net.Conn, n int) []byte {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, n)
	_, err := io.ReadFull(c, buf)
	require.NoError(t, err)
	return buf
}

func TestZPLStreamSplitAnywhere(t *testing.T) {
	e, err := printertest.New(nil)
	require.NoError(t, err)
	defer e.Close()
	c := connect(t, e)
	stream := "junk^xa^FDone^FS^xz  ^XA^FDtwo^FS~HS^XZ"
	for i := range len(stream) { // one byte at a time: commands split across reads
		_, err := c.Write([]byte{stream[i]})
		require.NoError(t, err)
		time.Sleep(100 * time.Microsecond)
	}
	reply := read(t, c, 3*3) // at least the frame starts
	assert.Equal(t, byte(0x02), reply[0])
	require.Eventually(t, func() bool { return len(e.Printed()) == 2 }, 2*time.Second, time.Millisecond)
	assert.Equal(t, "^xa^FDone^FS^xz", string(e.Printed()[0].Data), "lower case commands work")
	assert.Equal(t, "^XA^FDtwo^FS^XZ", string(e.Printed()[1].Data), "~HS inside a label is answered, not printed")
	assert.Equal(t, 1, e.StatusQueries())
}

func TestESCPOS(t *testing.T) {
	e, err := printertest.New(&printertest.Options{Language: printertest.ESCPOS})
	require.NoError(t, err)
	defer e.Close()
	c := connect(t, e)
	_, err = c.Write([]byte("\x1b@first\n\x1dV\x42\x10\x10\x04\x01second\x1dV\x01"))
	require.NoError(t, err)
	assert.Equal(t, []byte{0x12}, read(t, c, 1))
	require.Eventually(t, func() bool { return len(e.Jobs()) == 2 }, 2*time.Second, time.Millisecond)
	e.PaperOut()
	_, err = c.Write([]byte("\x10\x04\x04third\x1dV\x00\x10\x04\x02"))
	require.NoError(t, err)
	assert.Equal(t, []byte{0x72, 0x32}, read(t, c, 2))
	require.Eventually(t, func() bool { return len(e.Jobs()) == 3 }, 2*time.Second, time.Millisecond)
	jobs := e.Jobs()
	assert.Equal(t, "\x1b@first\n\x1dV\x42\x10", string(jobs[0].Data))
	assert.Equal(t, "second\x1dV\x01", string(jobs[1].Data), "the status query is not part of the job")
	assert.False(t, jobs[2].Printed)
	assert.Equal(t, printer.PaperOut, jobs[2].Fault)
	assert.Len(t, e.Printed(), 2)
}

func TestRefuseAndClear(t *testing.T) {
	e, err := printertest.New(nil)
	require.NoError(t, err)
	defer e.Close()
	c := connect(t, e)
	e.Refuse()
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, err = c.Read(make([]byte, 1))
	assert.Error(t, err, "open connections are closed")
	_, err = net.DialTimeout("tcp", e.Addr(), time.Second)
	assert.Error(t, err, "new ones are refused")
	require.NoError(t, e.Clear())
	c2 := connect(t, e)
	_, err = c2.Write([]byte("~HS"))
	require.NoError(t, err)
	assert.Equal(t, byte(0x02), read(t, c2, 1)[0])
	assert.Equal(t, printer.State(0), e.Status().States)
}

func TestCloseIsIdempotent(t *testing.T) {
	e, err := printertest.New(nil)
	require.NoError(t, err)
	require.NoError(t, e.Close())
	require.NoError(t, e.Close())
	assert.ErrorIs(t, e.Clear(), printertest.ErrClosed)
}

func Example() {
	emu, err := printertest.New(&printertest.Options{Language: printertest.ZPL})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer emu.Close()
	ctx := context.Background()
	p, err := tcp.Dial(ctx, emu.Addr(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()
	st, _ := p.PrintConfirm(ctx, []byte("^XA^FDhello^FS^XZ"))
	fmt.Println(len(emu.Printed()), st.States)
	emu.PaperOut()
	st, _ = p.PrintConfirm(ctx, []byte("^XA^FDagain^FS^XZ"))
	fmt.Println(len(emu.Printed()), len(emu.Jobs()), st.States)
	// Output:
	// 1 ready
	// 1 2 paper out
}
