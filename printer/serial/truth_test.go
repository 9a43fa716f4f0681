package serial

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer"
)

// device is the printer's end of a pty pair: it reads everything at a given
// speed (0: as fast as it can) and answers ~HS with reply when reply is set,
// after the bytes before the query.
type device struct {
	mu    sync.Mutex
	got   bytes.Buffer
	reply []byte
	speed int
	done  chan struct{}
}

func newDevice(t *testing.T, path string, speed int, reply []byte) *device {
	t.Helper()
	f := openDevice(t, path)
	d := &device{reply: reply, speed: speed, done: make(chan struct{})}
	go func() {
		defer close(d.done)
		buf := make([]byte, 4096)
		if speed > 0 {
			buf = buf[:max(1, min(len(buf), speed/20))]
		}
		for {
			_ = f.SetReadDeadline(time.Now().Add(10 * time.Second))
			n, err := f.Read(buf)
			if n > 0 {
				if speed > 0 {
					time.Sleep(time.Duration(n) * time.Second / time.Duration(speed))
				}
				d.mu.Lock()
				before := bytes.Count(d.got.Bytes(), []byte("~HS"))
				d.got.Write(buf[:n])
				after := bytes.Count(d.got.Bytes(), []byte("~HS"))
				reply := d.reply
				d.mu.Unlock()
				for range after - before {
					if reply != nil {
						_, _ = f.Write(reply)
					}
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return d
}

func (d *device) bytes() []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return bytes.Clone(d.got.Bytes())
}

func (d *device) len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.got.Len()
}

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

func TestOneWaySerialPrinterAuto(t *testing.T) {
	host, path := ptyPair(t)
	dev := newDevice(t, path, 0, nil) // a printer whose transmit line is not wired
	var logs logLines
	p, err := Open(ctx, host, &Options{Baud: 115200, ReadTimeout: 150 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	require.NoError(t, err)
	defer p.Close()
	jobs := []string{"^XA^FD1^FS^XZ", "^XA^FD2^FS^XZ", "^XA^FD3^FS^XZ"}
	start := time.Now()
	for _, j := range jobs {
		require.NoError(t, p.Print(ctx, []byte(j)))
	}
	assert.Less(t, time.Since(start), time.Second, "one read timeout, then no more waiting")
	assert.True(t, p.OneWay())
	start = time.Now()
	st, err := p.Status(ctx)
	require.ErrorIs(t, err, printer.ErrNoStatus)
	assert.NotErrorIs(t, err, printer.ErrOffline)
	assert.True(t, st.Has(printer.Unknown))
	assert.Less(t, time.Since(start), 100*time.Millisecond, "a one-way printer is not asked")
	want := "~HS" + strings.Join(jobs, "")
	require.Eventually(t, func() bool { return dev.len() == len(want) }, 2*time.Second, time.Millisecond)
	assert.Equal(t, want, string(dev.bytes()), "asked once, then only the jobs")
	assert.Equal(t, 1, strings.Count(logs.String(), "one-way"), logs.String())
}

func TestStatusNoneWritesNoQuery(t *testing.T) {
	host, path := ptyPair(t)
	dev := newDevice(t, path, 0, []byte(hsReady))
	p, err := Open(ctx, host, &Options{Baud: 115200, Status: printer.StatusNone, Language: TSPL})
	require.NoError(t, err)
	defer p.Close()
	assert.True(t, p.OneWay())
	require.NoError(t, p.Print(ctx, []byte("PRINT 1\r\n")))
	_, err = p.Status(ctx)
	require.ErrorIs(t, err, printer.ErrNoStatus)
	require.NoError(t, p.Print(ctx, []byte("PRINT 2\r\n")))
	require.Eventually(t, func() bool { return dev.len() == 18 }, 2*time.Second, time.Millisecond)
	assert.Equal(t, "PRINT 1\r\nPRINT 2\r\n", string(dev.bytes()), "no query byte")
}

func TestPrintReturnsWhenTheLineHasCarriedIt(t *testing.T) {
	host, path := ptyPair(t)
	dev := newDevice(t, path, 64<<10, nil)
	p, err := Open(ctx, host, &Options{Baud: 115200, Status: printer.StatusNone})
	require.NoError(t, err)
	defer p.Close()
	job := bytes.Repeat([]byte("0123456789abcdef"), 80<<10/16)
	start := time.Now()
	require.NoError(t, p.Print(ctx, job))
	took, read := time.Since(start), dev.len()
	assert.Greater(t, took, 500*time.Millisecond, "the slow reader held the line back")
	// What is left is in the pty and socat buffers, which a UART does not have.
	assert.GreaterOrEqual(t, read, len(job)-40<<10, "read %d of %d when Print returned", read, len(job))
	require.Eventually(t, func() bool { return dev.len() == len(job) }, 2*time.Second, time.Millisecond)
	assert.Equal(t, job, dev.bytes())
}

func TestPartialWhenTheLineIsCut(t *testing.T) {
	host, path, proc := ptyPairProc(t)
	dev := newDevice(t, path, 32<<10, nil)
	p, err := Open(ctx, host, &Options{Baud: 115200, Status: printer.StatusNone})
	require.NoError(t, err)
	defer p.Close()
	go func() {
		time.Sleep(200 * time.Millisecond)
		_ = proc.Kill()
	}()
	err = p.Print(ctx, make([]byte, 1<<20))
	require.Error(t, err)
	assert.ErrorIs(t, err, printer.ErrPartial)
	assert.ErrorIs(t, err, printer.ErrOffline)
	assert.NotErrorIs(t, err, printer.ErrNotSent)
	var se *Error
	require.ErrorAs(t, err, &se)
	assert.True(t, se.Partial)
	assert.Less(t, dev.len(), 1<<20)
}

func TestPrintHonoursContextOnAStuckLine(t *testing.T) {
	host, path := ptyPair(t)
	_ = openDevice(t, path) // open, never read: the line's buffers fill up
	p, err := Open(ctx, host, &Options{Baud: 115200, Status: printer.StatusNone})
	require.NoError(t, err)
	defer p.Close()
	c, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = p.Print(c, make([]byte, 1<<20))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorIs(t, err, printer.ErrPartial)
	assert.Less(t, time.Since(start), time.Second)

	// The line is still stuck. 16 KiB at 921600 baud: 0.18s, twice over, plus
	// WriteTimeout.
	p2, err := Open(ctx, host, &Options{Baud: 921600, Status: printer.StatusNone, WriteTimeout: 100 * time.Millisecond})
	require.NoError(t, err)
	defer p2.Close()
	start = time.Now()
	err = p2.Print(ctx, make([]byte, 16<<10))
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded, "WriteTimeout plus the job's time at the baud rate")
	assert.True(t, errors.Is(err, printer.ErrPartial) || errors.Is(err, printer.ErrNotSent), "%v", err)
	assert.Less(t, time.Since(start), time.Second)
}

func TestSlowSerialPrinterNoSpuriousTimeout(t *testing.T) {
	host, path := ptyPair(t)
	dev := newDevice(t, path, 8<<10, []byte(hsReady))
	p, err := Open(ctx, host, &Options{Baud: 115200, ReadTimeout: 100 * time.Millisecond})
	require.NoError(t, err)
	defer p.Close()
	job := bytes.Repeat([]byte("^XA^FDslow^FS^XZ"), 6<<10/16)
	for i := range 2 {
		require.NoError(t, p.Print(ctx, job), "job %d", i)
		st, err := p.Status(ctx)
		require.NoError(t, err, "job %d: the reply comes after the printer read the job", i)
		assert.True(t, st.Ready())
	}
	assert.False(t, p.OneWay())
	assert.Equal(t, 3, bytes.Count(dev.bytes(), []byte("~HS")), "probe and two queries, no job twice")
	assert.Equal(t, 2*len(job)/16, bytes.Count(dev.bytes(), []byte("^XA^FDslow^FS^XZ")))
}

func TestTSPLStatusSerial(t *testing.T) {
	host, path := ptyPair(t)
	d := openDevice(t, path)
	p, err := Open(ctx, host, &Options{Baud: 115200, Language: TSPL, Status: printer.StatusQuery})
	require.NoError(t, err)
	defer p.Close()
	go func() {
		if string(readN(d, 3)) == "\x1b!?" {
			_, _ = d.Write([]byte{0x24})
		}
	}()
	st, err := p.Status(ctx)
	require.NoError(t, err)
	assert.True(t, st.Has(printer.PaperOut))
	assert.Equal(t, 1, st.Pending)
}

func TestPaperOutWithAHeldFormatSerial(t *testing.T) {
	host, path := ptyPair(t)
	// Paper out, one format in the receive buffer: the job arrived and waits.
	held := "\x02030,1,0,1218,001,0,0,0,000,0,0,0\x03\r\n\x02001,0,0,0,0,2,6,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n"
	newDevice(t, path, 0, []byte(held))
	p, err := Open(ctx, host, &Options{Baud: 115200})
	require.NoError(t, err)
	defer p.Close()
	require.NoError(t, p.Print(ctx, []byte("^XA^FDheld^FS^XZ")))
	st, err := p.Status(ctx)
	require.NoError(t, err)
	assert.True(t, st.Has(printer.PaperOut))
	assert.Equal(t, 1, st.Pending)
	assert.True(t, st.Busy())
}
