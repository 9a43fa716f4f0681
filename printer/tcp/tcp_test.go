package tcp_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/dadanhq/dadan/printer/tcp"
)

func emulator(t *testing.T, lang printertest.Language) *printertest.Printer {
	t.Helper()
	e, err := printertest.New(&printertest.Options{Language: lang})
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	return e
}

func dial(t *testing.T, addr string, lang tcp.Language) *tcp.Printer {
	t.Helper()
	p, err := tcp.Dial(t.Context(), addr, &tcp.Options{Language: lang, ReadTimeout: 200 * time.Millisecond, DialTimeout: time.Second})
	require.NoError(t, err)
	t.Cleanup(func() { p.Close() })
	return p
}

func TestZPLPrintAndStatus(t *testing.T) {
	e := emulator(t, printertest.ZPL)
	p := dial(t, e.Addr(), tcp.ZPL)
	ctx := t.Context()
	require.NoError(t, p.Print(ctx, []byte("^XA^FO10,10^FDone^FS^XZ")))
	st, err := p.Status(ctx)
	require.NoError(t, err)
	assert.True(t, st.Ready())
	require.Len(t, e.Printed(), 1, "the status reply comes after the job is read")
	assert.Equal(t, "^XA^FO10,10^FDone^FS^XZ", string(e.Printed()[0].Data))

	e.PaperOut()
	st, err = p.Status(ctx)
	require.NoError(t, err)
	assert.True(t, st.Has(printer.PaperOut))
	assert.False(t, st.Ready())
	e.HeadOpen()
	st, err = p.Status(ctx)
	require.NoError(t, err)
	assert.Equal(t, printer.PaperOut|printer.HeadOpen, st.States)
	require.NoError(t, p.Print(ctx, []byte("^XA^FDtwo^FS^XZ")))
	_, err = p.Status(ctx)
	require.NoError(t, err)
	jobs := e.Jobs()
	require.Len(t, jobs, 2)
	assert.False(t, jobs[1].Printed, "a label sent while faulted is rejected")
	assert.Equal(t, printer.PaperOut|printer.HeadOpen, jobs[1].Fault)
	require.NoError(t, e.Clear())
	st, err = p.Status(ctx)
	require.NoError(t, err)
	assert.True(t, st.Ready())
	assert.Equal(t, 1, e.Connections(), "one connection carries jobs and queries")
}

func TestESCPOSPrintAndStatus(t *testing.T) {
	e := emulator(t, printertest.ESCPOS)
	p := dial(t, e.Addr(), tcp.ESCPOS)
	ctx := t.Context()
	job := []byte("\x1b@hello\n\x1dV\x41\x03")
	require.NoError(t, p.Print(ctx, job))
	st, err := p.Status(ctx)
	require.NoError(t, err)
	assert.True(t, st.Ready())
	assert.Equal(t, []byte{0x12, 0x12, 0x12, 0x12}, st.Raw)
	require.Len(t, e.Printed(), 1)
	assert.Equal(t, job, e.Printed()[0].Data)

	e.PaperOut()
	st, err = p.Status(ctx)
	require.NoError(t, err)
	assert.Equal(t, printer.PaperOut|printer.Offline, st.States)
	require.NoError(t, e.Clear())
	e.HeadOpen()
	st, err = p.Status(ctx)
	require.NoError(t, err)
	assert.Equal(t, printer.HeadOpen|printer.Offline, st.States)
}

func TestUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	_, err = tcp.Dial(t.Context(), addr, nil)
	require.Error(t, err)
	assert.ErrorIs(t, err, printer.ErrOffline)
	assert.ErrorIs(t, err, printer.ErrNotSent)
	var te *tcp.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "dial", te.Op)
	var oe *net.OpError
	assert.ErrorAs(t, err, &oe, "the cause is kept")
}

func TestReconnectAfterBrokenConnection(t *testing.T) {
	e := emulator(t, printertest.ZPL)
	p := dial(t, e.Addr(), tcp.ZPL)
	ctx := t.Context()
	// One exchange first, so the emulator has surely accepted the connection
	// before it goes off the network.
	_, err := p.Status(ctx)
	require.NoError(t, err)
	e.Refuse()
	// The dropped connection shows on the next exchange, and while the printer is
	// off the network every call fails with ErrOffline.
	require.Eventually(t, func() bool {
		_, err := p.Status(ctx)
		return errors.Is(err, printer.ErrOffline)
	}, 2*time.Second, 10*time.Millisecond)
	err = p.Print(ctx, []byte("^XA^FDx^FS^XZ"))
	require.ErrorIs(t, err, printer.ErrOffline)
	assert.ErrorIs(t, err, printer.ErrNotSent, "a refused dial sends nothing")
	require.NoError(t, e.Clear())
	require.NoError(t, p.Print(ctx, []byte("^XA^FDy^FS^XZ")))
	st, err := p.Status(ctx)
	require.NoError(t, err)
	assert.True(t, st.Ready())
	require.Len(t, e.Printed(), 1)
	assert.Equal(t, "^XA^FDy^FS^XZ", string(e.Printed()[0].Data))
	assert.Equal(t, 2, e.Connections())
}

func TestClosedWhileIdleIsRedialled(t *testing.T) {
	e := emulator(t, printertest.ZPL)
	p := dial(t, e.Addr(), tcp.ZPL)
	ctx := t.Context()
	e.DropAfter(5)
	// The printer's stack takes all 15 bytes, its reader keeps 5 and hangs up:
	// every byte was acknowledged, which is all TCP can tell.
	_ = p.Print(ctx, []byte("^XA^FDcut^FS^XZ"))
	assert.Empty(t, e.Jobs(), "a label cut short is not printed")
	require.Eventually(t, func() bool { return e.Connections() == 1 && len(e.Jobs()) == 0 }, time.Second, time.Millisecond)
	time.Sleep(20 * time.Millisecond) // the printer's FIN arrives
	// The half-closed connection is not written on: the next job dials again.
	require.NoError(t, p.Print(ctx, []byte("^XA^FDwhole^FS^XZ")))
	st, err := p.Status(ctx)
	require.NoError(t, err)
	assert.True(t, st.Ready())
	require.Len(t, e.Printed(), 1)
	assert.Equal(t, 2, e.Connections())
}

func TestStallTimesOut(t *testing.T) {
	e := emulator(t, printertest.ZPL)
	p := dial(t, e.Addr(), tcp.ZPL)
	_, err := p.Status(t.Context())
	require.NoError(t, err)
	e.Stall(500 * time.Millisecond)
	start := time.Now()
	_, err = p.Status(t.Context())
	require.ErrorIs(t, err, printer.ErrNoStatus)
	assert.NotErrorIs(t, err, printer.ErrOffline, "the connection was fine")
	assert.Less(t, time.Since(start), 450*time.Millisecond, "the read timeout ends the wait")
	assert.False(t, p.OneWay(), "its first query was answered")
}

func TestStatusHonoursContext(t *testing.T) {
	e := emulator(t, printertest.ZPL)
	p, err := tcp.Dial(t.Context(), e.Addr(), &tcp.Options{ReadTimeout: 10 * time.Second})
	require.NoError(t, err)
	defer p.Close()
	e.Stall(2 * time.Second)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = p.Status(ctx)
	require.Error(t, err)
	assert.Less(t, time.Since(start), time.Second)
}

// garbagePeer accepts connections and answers every read with reply.
func garbagePeer(t *testing.T, reply string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 512)
				for {
					if _, err := c.Read(buf); err != nil {
						return
					}
					c.Write([]byte(reply))
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func TestGarbageIsNotAPrinter(t *testing.T) {
	for _, tt := range []struct {
		name  string
		lang  tcp.Language
		reply string
	}{
		{"HTTP to ZPL", tcp.ZPL, "HTTP/1.1 400 Bad Request\r\n\r\n"},
		{"framed nonsense to ZPL", tcp.ZPL, "\x02a,b\x03\r\n\x02c\x03\r\n\x02d\x03\r\n"},
		{"text to ESC/POS", tcp.ESCPOS, "SSH-2.0-OpenSSH_9.2\r\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := dial(t, garbagePeer(t, tt.reply), tt.lang)
			_, err := p.Status(t.Context())
			require.ErrorIs(t, err, printer.ErrNotPrinter)
			assert.NotErrorIs(t, err, printer.ErrOffline)
		})
	}
}

func TestClosed(t *testing.T) {
	e := emulator(t, printertest.ZPL)
	p := dial(t, e.Addr(), tcp.ZPL)
	require.NoError(t, p.Close())
	assert.ErrorIs(t, p.Print(t.Context(), []byte("^XA^XZ")), printer.ErrClosed)
	_, err := p.Status(t.Context())
	assert.ErrorIs(t, err, printer.ErrClosed)
}

func TestOptionsValidate(t *testing.T) {
	assert.Error(t, (&tcp.Options{Language: 7}).Validate())
	assert.Error(t, (&tcp.Options{ReadTimeout: -1}).Validate())
	assert.NoError(t, (*tcp.Options)(nil).Validate())
}

func TestPrintConfirm(t *testing.T) {
	for _, lang := range []struct {
		emu printertest.Language
		tcp tcp.Language
		job string
	}{{printertest.ZPL, tcp.ZPL, "^XA^FDc^FS^XZ"}, {printertest.ESCPOS, tcp.ESCPOS, "hi\n\x1dV\x00"}} {
		e := emulator(t, lang.emu)
		p := dial(t, e.Addr(), lang.tcp)
		st, err := p.PrintConfirm(t.Context(), []byte(lang.job))
		require.NoError(t, err)
		assert.True(t, st.Ready())
		require.Len(t, e.Printed(), 1)
		assert.Equal(t, lang.job, string(e.Printed()[0].Data))
		e.PaperOut()
		st, err = p.PrintConfirm(t.Context(), []byte(lang.job))
		require.NoError(t, err)
		assert.True(t, st.Has(printer.PaperOut))
		assert.Len(t, e.Printed(), 1, "rejected while out of paper")
		e.Stall(time.Second)
		start := time.Now()
		_, err = p.PrintConfirm(t.Context(), []byte(lang.job))
		assert.ErrorIs(t, err, printer.ErrNoStatus)
		assert.Less(t, time.Since(start), 900*time.Millisecond, "ReadTimeout bounds the wait for the reply")
	}
}
