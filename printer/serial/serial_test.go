package serial

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer"
)

var ctx = context.Background()

// ptyPair starts socat with two linked ptys and returns their paths: the
// first is the host's port, the second the printer's end.
func ptyPair(t testing.TB) (host, dev string) {
	t.Helper()
	host, dev, _ = ptyPairProc(t)
	return host, dev
}

// ptyPairProc is ptyPair that also returns the socat process, to cut the line.
func ptyPairProc(t testing.TB) (host, dev string, proc *os.Process) {
	t.Helper()
	if _, err := exec.LookPath("socat"); err != nil {
		t.Skip("socat not found (Debian package socat): no pty pair to test the serial line on")
	}
	dir := t.TempDir()
	host, dev = filepath.Join(dir, "ttyA"), filepath.Join(dir, "ttyB")
	cmd := exec.Command("socat", "-d", "-d", "pty,raw,echo=0,link="+host, "pty,raw,echo=0,link="+dev)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, errA := os.Stat(host)
		_, errB := os.Stat(dev)
		if errA == nil && errB == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("socat made no pty links in 5s: %s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return host, dev, cmd.Process
}

// openDevice opens the printer's end of the pair, with read deadlines.
func openDevice(t testing.TB, path string) *os.File {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|syscall.O_NOCTTY, 0)
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

// readN reads n bytes within 5s; safe to call from any goroutine.
func readN(f *os.File, n int) []byte {
	_ = f.SetReadDeadline(time.Now().Add(5 * time.Second))
	b := make([]byte, n)
	k, _ := io.ReadFull(f, b)
	return b[:k]
}

func TestPrintExactBytes(t *testing.T) {
	host, dev := ptyPair(t)
	d := openDevice(t, dev)
	p, err := Open(ctx, host, &Options{Baud: 115200, Status: printer.StatusNone})
	require.NoError(t, err)
	defer p.Close()

	var job []byte
	for i := range 5000 { // every byte value, more than one write chunk
		job = append(job, byte(i))
	}
	done := make(chan []byte)
	go func() {
		b := make([]byte, len(job))
		_ = d.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, _ := io.ReadFull(d, b)
		done <- b[:n]
	}()
	require.NoError(t, p.Print(ctx, job))
	assert.Equal(t, job, <-done)
}

const (
	hsReady    = "\x02030,0,0,1218,000,0,0,0,000,0,0,0\x03\r\n\x02001,0,0,0,0,2,6,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n"
	hsPaperOut = "\x02030,1,1,1218,000,0,0,0,000,0,0,0\x03\r\n\x02001,0,0,0,0,2,6,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n"
	hsHeadOpen = "\x02030,0,0,1218,000,0,0,0,000,0,0,0\x03\r\n\x02001,0,1,0,0,2,6,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n"
)

func TestStatusZPL(t *testing.T) {
	host, dev := ptyPair(t)
	d := openDevice(t, dev)
	p, err := Open(ctx, host, &Options{Language: ZPL})
	require.NoError(t, err)
	defer p.Close()

	tests := []struct {
		name  string
		reply string
		want  printer.State
	}{
		{"ready", hsReady, 0},
		{"paper out", hsPaperOut, printer.PaperOut | printer.Paused},
		{"head open", hsHeadOpen, printer.HeadOpen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errc := make(chan error, 1)
			go func() {
				q := make([]byte, 3)
				_ = d.SetReadDeadline(time.Now().Add(5 * time.Second))
				if _, err := io.ReadFull(d, q); err != nil || string(q) != "~HS" {
					errc <- errors.New("query was " + string(q))
					return
				}
				// Answer in two pieces, as a slow line would.
				_, _ = d.Write([]byte(tt.reply[:20]))
				time.Sleep(30 * time.Millisecond)
				_, err := d.Write([]byte(tt.reply[20:]))
				errc <- err
			}()
			st, err := p.Status(ctx)
			require.NoError(t, err)
			require.NoError(t, <-errc)
			assert.Equal(t, tt.want, st.States, "%s", st.States)
			assert.Equal(t, tt.want == 0, st.Ready())
			assert.Equal(t, []byte(tt.reply), st.Raw)
		})
	}
}

func TestStatusESCPOS(t *testing.T) {
	host, dev := ptyPair(t)
	d := openDevice(t, dev)
	p, err := Open(ctx, host, &Options{Language: ESCPOS, Baud: 19200})
	require.NoError(t, err)
	defer p.Close()

	tests := []struct {
		name  string
		reply []byte
		want  printer.State
	}{
		{"ready", []byte{0x12, 0x12, 0x12, 0x12}, 0},
		{"cover open", []byte{0x1a, 0x16, 0x12, 0x12}, printer.Offline | printer.HeadOpen},
		{"paper out", []byte{0x1a, 0x32, 0x12, 0x72}, printer.Offline | printer.PaperOut},
		{"paper near end", []byte{0x12, 0x12, 0x12, 0x1e}, printer.PaperNearEnd},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			go func() {
				_ = d.SetReadDeadline(time.Now().Add(5 * time.Second))
				q := make([]byte, 12)
				if _, err := io.ReadFull(d, q); err == nil {
					_, _ = d.Write(tt.reply)
				}
			}()
			st, err := p.Status(ctx)
			require.NoError(t, err)
			assert.Equal(t, tt.want, st.States, "%s", st.States)
			assert.Equal(t, tt.reply, st.Raw)
		})
	}
	// The query is DLE EOT 1, 2, 3, 4.
	done := make(chan error)
	go func() { _, err := p.Status(ctx); done <- err }()
	assert.Equal(t, []byte{0x10, 4, 1, 0x10, 4, 2, 0x10, 4, 3, 0x10, 4, 4}, readN(d, 12))
	_, _ = d.Write([]byte{0x12, 0x12, 0x12, 0x12})
	assert.NoError(t, <-done)
}

func TestStatusNoReplyThenLateReply(t *testing.T) {
	host, dev := ptyPair(t)
	d := openDevice(t, dev)
	p, err := Open(ctx, host, &Options{ReadTimeout: 300 * time.Millisecond, Status: printer.StatusQuery})
	require.NoError(t, err)
	defer p.Close()

	start := time.Now()
	st, err := p.Status(ctx)
	assert.ErrorIs(t, err, printer.ErrNoStatus)
	assert.NotErrorIs(t, err, printer.ErrOffline, "the port is fine")
	var se *Error
	assert.True(t, errors.As(err, &se))
	assert.True(t, st.Has(printer.Unknown))
	assert.False(t, p.OneWay(), "status=query keeps asking")
	assert.Less(t, time.Since(start), 2*time.Second)

	// The printer answers the first query late; the next status must not
	// read that stale reply as its own.
	assert.Equal(t, "~HS", string(readN(d, 3)))
	_, err = d.Write([]byte(hsPaperOut))
	require.NoError(t, err)
	time.Sleep(50 * time.Millisecond)
	go func() {
		if string(readN(d, 3)) == "~HS" {
			_, _ = d.Write([]byte(hsReady))
		}
	}()
	st, err = p.Status(ctx)
	require.NoError(t, err)
	assert.True(t, st.Ready(), "%s", st.States)
}

func TestStatusGarbage(t *testing.T) {
	host, dev := ptyPair(t)
	d := openDevice(t, dev)
	p, err := Open(ctx, host, &Options{Language: ESCPOS, ReadTimeout: 300 * time.Millisecond})
	require.NoError(t, err)
	defer p.Close()
	go func() {
		readN(d, 12)
		_, _ = d.Write([]byte("OK\r\n"))
	}()
	_, err = p.Status(ctx)
	var re *printer.ReplyError
	assert.True(t, errors.As(err, &re), "%v", err)
	assert.ErrorIs(t, err, printer.ErrNotPrinter)
}

func TestContextCancelledStatus(t *testing.T) {
	host, _ := ptyPair(t)
	p, err := Open(ctx, host, &Options{ReadTimeout: 10 * time.Second})
	require.NoError(t, err)
	defer p.Close()
	c, cancel := context.WithTimeout(ctx, 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = p.Status(c)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 2*time.Second)

	cancelled, cancel2 := context.WithCancel(ctx)
	cancel2()
	err = p.Print(cancelled, []byte("x"))
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, printer.ErrNotSent)
}

func TestOpenErrors(t *testing.T) {
	for _, baud := range []int{-1, 1, 9601, 14400, 250000} {
		_, err := Open(ctx, "/dev/does-not-matter", &Options{Baud: baud})
		var be *BaudError
		require.True(t, errors.As(err, &be), "baud %d: %v", baud, err)
		assert.Equal(t, baud, be.Baud)
	}
	_, err := Open(ctx, filepath.Join(t.TempDir(), "ttyUSB9"), nil)
	assert.ErrorIs(t, err, printer.ErrOffline)
	assert.ErrorIs(t, err, os.ErrNotExist)
	_, err = Open(ctx, "/dev/null", &Options{Language: 7})
	assert.Error(t, err)
}

func TestLimitsAndClose(t *testing.T) {
	host, _ := ptyPair(t)
	p, err := Open(ctx, host, &Options{MaxJobBytes: 3})
	require.NoError(t, err)
	assert.ErrorIs(t, p.Print(ctx, []byte("1234")), printer.ErrTooLarge)
	require.NoError(t, p.Close())
	require.NoError(t, p.Close())
	assert.ErrorIs(t, p.Print(ctx, []byte("1")), printer.ErrClosed)
	_, err = p.Status(ctx)
	assert.ErrorIs(t, err, printer.ErrClosed)
}

func BenchmarkStatusZPL(b *testing.B) {
	host, dev := ptyPair(b)
	d := openDevice(b, dev)
	p, err := Open(ctx, host, &Options{Baud: 115200})
	require.NoError(b, err)
	defer p.Close()
	go func() {
		q := make([]byte, 3)
		for {
			if _, err := io.ReadFull(d, q); err != nil {
				return
			}
			if _, err := d.Write([]byte(hsReady)); err != nil {
				return
			}
		}
	}()
	for b.Loop() {
		if _, err := p.Status(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
