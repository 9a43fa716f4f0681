package tcp_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/dadanhq/dadan/printer/tcp"
)

// A small receive buffer makes the emulator's reading speed felt by the sender.
const smallBuffer = 4 << 10

func emulatorWith(t *testing.T, opts *printertest.Options) *printertest.Printer {
	t.Helper()
	e, err := printertest.New(opts)
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	return e
}

func dialWith(t *testing.T, addr string, opts tcp.Options) *tcp.Printer {
	t.Helper()
	if opts.DialTimeout == 0 {
		opts.DialTimeout = time.Second
	}
	if opts.ReadTimeout == 0 {
		opts.ReadTimeout = 200 * time.Millisecond
	}
	p, err := tcp.Dial(t.Context(), addr, &opts)
	require.NoError(t, err)
	t.Cleanup(func() { p.Close() })
	return p
}

// label is a ZPL label of about n bytes.
func label(n int) []byte {
	var b bytes.Buffer
	b.WriteString("^XA^FO10,10^FD")
	for b.Len() < n-8 {
		b.WriteString("0123456789abcdef"[:min(16, n-8-b.Len())])
	}
	b.WriteString("^FS^XZ")
	return b.Bytes()
}

// logLines collects what a logger writes.
type logLines struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestPrintReturnsWhenThePrinterHasRead(t *testing.T) {
	e := emulatorWith(t, &printertest.Options{ReadBuffer: smallBuffer})
	const speed = 64 << 10
	e.LimitSpeed(speed)
	p := dialWith(t, e.Addr(), tcp.Options{Status: printer.StatusQuery})
	job := label(48 << 10)
	start := time.Now()
	require.NoError(t, p.Print(t.Context(), job))
	took := time.Since(start)
	consumed := e.Consumed()
	// The host's kernel would take 48 KiB at once; the printer reads it at 64 KiB/s
	// and its stack acknowledges only what fits in its small buffer.
	assert.Greater(t, took, 400*time.Millisecond, "Print waited for the printer")
	assert.GreaterOrEqual(t, consumed, int64(len(job)-24<<10),
		"when Print returns the printer has read all but what its receive buffer holds (read %d of %d)", consumed, len(job))
	st, err := p.Status(t.Context())
	require.NoError(t, err)
	assert.True(t, st.Ready())
	require.Len(t, e.Printed(), 1)
	assert.Equal(t, job, e.Printed()[0].Data)
}

func TestPartialWhenTheConnectionDropsMidJob(t *testing.T) {
	e := emulatorWith(t, &printertest.Options{ReadBuffer: smallBuffer})
	p := dialWith(t, e.Addr(), tcp.Options{Status: printer.StatusQuery})
	job := label(512 << 10)
	e.LimitSpeed(1 << 20)
	e.DropAfter(1000)
	err := p.Print(t.Context(), job)
	require.Error(t, err)
	assert.ErrorIs(t, err, printer.ErrPartial)
	assert.ErrorIs(t, err, printer.ErrOffline)
	assert.NotErrorIs(t, err, printer.ErrNotSent, "bytes left the host")
	var te *tcp.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "write", te.Op)
	assert.True(t, te.Partial)
	assert.Contains(t, err.Error(), "not received whole")
	assert.Empty(t, e.Jobs(), "the label was cut short")

	// The next Print dials again and the job arrives whole.
	e.LimitSpeed(0)
	require.NoError(t, p.Print(t.Context(), job))
	_, err = p.Status(t.Context())
	require.NoError(t, err)
	require.Len(t, e.Printed(), 1)
	assert.Equal(t, job, e.Printed()[0].Data)
}

func TestAckWaitIsBounded(t *testing.T) {
	e := emulatorWith(t, &printertest.Options{ReadBuffer: smallBuffer})
	p := dialWith(t, e.Addr(), tcp.Options{Status: printer.StatusNone, WriteTimeout: 200 * time.Millisecond, Speed: 100 << 20})
	e.Stall(3 * time.Second) // reads nothing: the printer's window closes
	start := time.Now()
	err := p.Print(t.Context(), label(1<<20))
	assert.ErrorIs(t, err, printer.ErrPartial)
	assert.Less(t, time.Since(start), time.Second, "WriteTimeout plus the job's time at Speed bounds the wait")

	e2 := emulatorWith(t, &printertest.Options{ReadBuffer: smallBuffer})
	p2 := dialWith(t, e2.Addr(), tcp.Options{Status: printer.StatusNone})
	e2.Stall(3 * time.Second)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start = time.Now()
	err = p2.Print(ctx, label(1<<20))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorIs(t, err, printer.ErrPartial)
	assert.Less(t, time.Since(start), time.Second, "the context ends the wait")
}

func TestNoStatusAutoBecomesOneWay(t *testing.T) {
	e := emulatorWith(t, nil)
	e.NoStatus()
	var logs logLines
	p := dialWith(t, e.Addr(), tcp.Options{
		ReadTimeout: 150 * time.Millisecond,
		Logger:      slog.New(slog.NewTextHandler(&logs, nil)),
	})
	assert.False(t, p.OneWay(), "not known before asking")
	ctx := t.Context()
	start := time.Now()
	require.NoError(t, p.Print(ctx, []byte("^XA^FDone^FS^XZ")))
	assert.Less(t, time.Since(start), time.Second, "one read timeout, not the job's whole budget")
	assert.True(t, p.OneWay(), "the first query got no answer")
	assert.Equal(t, 1, strings.Count(logs.String(), "one-way"), logs.String())

	start = time.Now()
	st, err := p.Status(ctx)
	assert.Less(t, time.Since(start), 100*time.Millisecond, "a one-way printer is not asked")
	require.ErrorIs(t, err, printer.ErrNoStatus)
	assert.NotErrorIs(t, err, printer.ErrOffline)
	var te *tcp.Error
	require.ErrorAs(t, err, &te)
	assert.True(t, st.Has(printer.Unknown))
	require.NoError(t, p.Print(ctx, []byte("^XA^FDtwo^FS^XZ")))
	require.NoError(t, p.Print(ctx, []byte("^XA^FDthree^FS^XZ")))

	require.Eventually(t, func() bool { return len(e.Printed()) == 3 }, time.Second, time.Millisecond)
	assert.Equal(t, 1, e.QueriesReceived(), "asked once")
	assert.Equal(t, 1, strings.Count(logs.String(), "one-way"), "said once")
	for i, j := range e.Printed() {
		assert.Equal(t, i+1, j.Seq, "each job once, in order")
	}
}

func TestNoStatusQueryModeKeepsAsking(t *testing.T) {
	e := emulatorWith(t, nil)
	e.NoStatus()
	p := dialWith(t, e.Addr(), tcp.Options{Status: printer.StatusQuery, ReadTimeout: 100 * time.Millisecond})
	for range 2 {
		start := time.Now()
		_, err := p.Status(t.Context())
		require.ErrorIs(t, err, printer.ErrNoStatus)
		assert.Less(t, time.Since(start), 500*time.Millisecond)
		assert.False(t, p.OneWay())
	}
	assert.Equal(t, 2, e.QueriesReceived())
}

func TestStatusNoneNeverAsks(t *testing.T) {
	e := emulatorWith(t, nil)
	p := dialWith(t, e.Addr(), tcp.Options{Status: printer.StatusNone})
	assert.True(t, p.OneWay())
	for _, job := range []string{"^XA^FD1^FS^XZ", "^XA^FD2^FS^XZ"} {
		require.NoError(t, p.Print(t.Context(), []byte(job)))
		_, err := p.Status(t.Context())
		require.ErrorIs(t, err, printer.ErrNoStatus)
		_, err = p.PrintConfirm(t.Context(), []byte(job))
		require.ErrorIs(t, err, printer.ErrNoStatus, "the job went, its status is not asked")
	}
	require.Eventually(t, func() bool { return len(e.Printed()) == 4 }, time.Second, time.Millisecond)
	assert.Zero(t, e.QueriesReceived(), "not one query byte")

	// On a plain socket the bytes that arrive are exactly the jobs.
	s, err := printertest.NewSink(0)
	require.NoError(t, err)
	defer s.Close()
	p2 := dialWith(t, s.Addr(), tcp.Options{Status: printer.StatusNone, Language: tcp.ESCPOS})
	require.NoError(t, p2.Print(t.Context(), []byte("a\x1dV\x00")))
	require.NoError(t, p2.Print(t.Context(), []byte("b\x1dV\x00")))
	require.Eventually(t, func() bool { return len(s.Bytes()) == 8 }, time.Second, time.Millisecond)
	assert.Equal(t, "a\x1dV\x00b\x1dV\x00", string(s.Bytes()))
}

func TestSinkIsOneWayInAutoMode(t *testing.T) {
	s, err := printertest.NewSink(0)
	require.NoError(t, err)
	defer s.Close()
	p := dialWith(t, s.Addr(), tcp.Options{Language: tcp.TSPL, ReadTimeout: 100 * time.Millisecond})
	job := []byte("SIZE 60 mm,40 mm\r\nPRINT 1\r\n")
	require.NoError(t, p.Print(t.Context(), job))
	require.NoError(t, p.Print(t.Context(), job))
	assert.True(t, p.OneWay())
	want := append(append([]byte("\x1b!?"), job...), job...)
	require.Eventually(t, func() bool { return len(s.Bytes()) == len(want) }, time.Second, time.Millisecond)
	assert.Equal(t, want, s.Bytes(), "one query, then the jobs")
}

func TestSlowPrinterNoSpuriousTimeout(t *testing.T) {
	// The printer reads 8 KiB/s and answers ~HS after the job before it. With
	// a read timeout of 100ms a fixed wait would miss every reply and the job
	// would be sent again; the wait grows with the bytes ahead of the query.
	e := emulatorWith(t, nil)
	e.LimitSpeed(8 << 10)
	p := dialWith(t, e.Addr(), tcp.Options{ReadTimeout: 100 * time.Millisecond})
	ctx := t.Context()
	_, err := p.Status(ctx)
	require.NoError(t, err)
	for i := range 3 {
		start := time.Now()
		st, err := p.PrintConfirm(ctx, label(5<<10))
		require.NoError(t, err, "job %d", i)
		assert.True(t, st.Ready())
		assert.Greater(t, time.Since(start), 400*time.Millisecond, "the reply came after the read timeout")
	}
	assert.Len(t, e.Jobs(), 3, "each job once")
	assert.Len(t, e.Printed(), 3)
	assert.False(t, p.OneWay())
}

func TestPaperOutHoldsTheJob(t *testing.T) {
	e := emulatorWith(t, nil)
	p := dialWith(t, e.Addr(), tcp.Options{})
	ctx := t.Context()
	e.PaperOutOnNextJob(300 * time.Millisecond)
	st, err := p.PrintConfirm(ctx, []byte("^XA^FDheld^FS^XZ"))
	require.NoError(t, err)
	assert.True(t, st.Has(printer.PaperOut))
	assert.False(t, st.Ready())
	assert.Equal(t, 1, st.Pending, "the printer holds the format")
	assert.True(t, st.Busy())
	assert.Empty(t, e.Printed())
	require.Eventually(t, func() bool {
		st, err := p.Status(ctx)
		return err == nil && st.Ready() && st.Pending == 0
	}, 2*time.Second, 20*time.Millisecond)
	require.Len(t, e.Printed(), 1, "printed once, when paper came back")
	assert.Equal(t, "^XA^FDheld^FS^XZ", string(e.Printed()[0].Data))
}

func TestCloseOnAccept(t *testing.T) {
	for _, mode := range []printer.StatusMode{printer.StatusAuto, printer.StatusQuery, printer.StatusNone} {
		t.Run(mode.String(), func(t *testing.T) {
			e := emulatorWith(t, nil)
			e.CloseOnAccept()
			p := dialWith(t, e.Addr(), tcp.Options{Status: mode})
			start := time.Now()
			err := p.Print(t.Context(), label(64<<10))
			require.Error(t, err)
			assert.ErrorIs(t, err, printer.ErrOffline)
			assert.True(t, errors.Is(err, printer.ErrPartial) || errors.Is(err, printer.ErrNotSent), "%v", err)
			assert.Less(t, time.Since(start), time.Second)
			assert.Empty(t, e.Jobs())
		})
	}
}

func TestGarbageReplies(t *testing.T) {
	for _, tt := range []struct {
		name string
		lang tcp.Language
		emu  printertest.Language
	}{{"ZPL", tcp.ZPL, printertest.ZPL}, {"ESC/POS", tcp.ESCPOS, printertest.ESCPOS}} {
		t.Run(tt.name, func(t *testing.T) {
			e := emulatorWith(t, &printertest.Options{Language: tt.emu})
			e.AnswerGarbage([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
			p := dialWith(t, e.Addr(), tcp.Options{Language: tt.lang, ReadTimeout: 2 * time.Second})
			start := time.Now()
			_, err := p.Status(t.Context())
			require.ErrorIs(t, err, printer.ErrNotPrinter)
			var re *printer.ReplyError
			require.ErrorAs(t, err, &re)
			assert.Less(t, time.Since(start), time.Second, "no waiting for a reply that will not come")
			// No job goes to a device that answers as no printer would.
			err = p.Print(t.Context(), []byte("^XA^FDx^FS^XZ\x1dV\x00"))
			require.ErrorIs(t, err, printer.ErrNotPrinter)
			assert.ErrorIs(t, err, printer.ErrNotSent)
			assert.Empty(t, e.Jobs())
			assert.False(t, p.OneWay())
		})
	}
}

// tsplPeer answers every <ESC>!? with the byte *st holds.
func tsplPeer(t *testing.T, st *byte, mu *sync.Mutex) string {
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
				var seen []byte
				buf := make([]byte, 512)
				for {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					seen = append(seen, buf[:n]...)
					for {
						i := bytes.Index(seen, []byte("\x1b!?"))
						if i < 0 {
							break
						}
						seen = seen[i+3:]
						mu.Lock()
						b := *st
						mu.Unlock()
						c.Write([]byte{b})
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func TestTSPLStatus(t *testing.T) {
	var (
		mu sync.Mutex
		b  byte
	)
	p := dialWith(t, tsplPeer(t, &b, &mu), tcp.Options{Language: tcp.TSPL})
	st, err := p.Status(t.Context())
	require.NoError(t, err)
	assert.True(t, st.Ready())
	mu.Lock()
	b = 0x24 // printing, out of paper
	mu.Unlock()
	require.NoError(t, p.Print(t.Context(), []byte("PRINT 1\r\n")))
	st, err = p.Status(t.Context())
	require.NoError(t, err)
	assert.True(t, st.Has(printer.PaperOut))
	assert.Equal(t, 1, st.Pending)
	assert.Equal(t, []byte{0x24}, st.Raw)
}

func TestOptionsValidateStatusAndSpeed(t *testing.T) {
	assert.Error(t, (&tcp.Options{Status: 9}).Validate())
	assert.Error(t, (&tcp.Options{Speed: -1}).Validate())
	assert.NoError(t, (&tcp.Options{Language: tcp.TSPL, Status: printer.StatusNone}).Validate())
}

func TestContextDeadlineIsNoMiss(t *testing.T) {
	e := emulatorWith(t, nil)
	e.NoStatus()
	p := dialWith(t, e.Addr(), tcp.Options{ReadTimeout: 5 * time.Second})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := p.Status(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotErrorIs(t, err, printer.ErrNoStatus, "the caller stopped waiting; the printer was not given its time")
	assert.False(t, p.OneWay())
}

func TestEveryPrintErrorSaysWhetherBytesLeft(t *testing.T) {
	var errs []error
	collect := func(err error) {
		require.Error(t, err)
		errs = append(errs, err)
	}
	// Closed.
	e := emulatorWith(t, nil)
	p := dialWith(t, e.Addr(), tcp.Options{})
	require.NoError(t, p.Close())
	collect(p.Print(t.Context(), []byte("^XA^XZ")))
	// Refused on redial.
	e2 := emulatorWith(t, nil)
	p2 := dialWith(t, e2.Addr(), tcp.Options{})
	_, err := p2.Status(t.Context())
	require.NoError(t, err)
	e2.Refuse()
	time.Sleep(20 * time.Millisecond)
	collect(p2.Print(t.Context(), []byte("^XA^XZ")))
	// Dropped mid-job.
	e3 := emulatorWith(t, &printertest.Options{ReadBuffer: smallBuffer})
	p3 := dialWith(t, e3.Addr(), tcp.Options{})
	e3.DropAfter(100)
	collect(p3.Print(t.Context(), label(512<<10)))
	// Garbage answer to the first query.
	e4 := emulatorWith(t, nil)
	e4.AnswerGarbage([]byte("HTTP/1.0 200 OK\r\n"))
	p4 := dialWith(t, e4.Addr(), tcp.Options{})
	collect(p4.Print(t.Context(), []byte("^XA^XZ")))
	// Cancelled.
	e5 := emulatorWith(t, nil)
	p5 := dialWith(t, e5.Addr(), tcp.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	collect(p5.Print(ctx, []byte("^XA^XZ")))

	for _, err := range errs {
		notSent, partial := errors.Is(err, printer.ErrNotSent), errors.Is(err, printer.ErrPartial)
		assert.True(t, notSent != partial, "exactly one of not sent and partial: %v", err)
	}
}
