package dadan_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/internal/ptytest"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/dadanhq/dadan/printer/serial"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpenPrinterTCP(t *testing.T) {
	emu, err := printertest.New(nil)
	require.NoError(t, err)
	defer emu.Close()
	ctx := context.Background()
	p, err := dadan.OpenPrinter(ctx, "tcp://"+emu.Addr()+"?lang=zpl&timeout=2s")
	require.NoError(t, err)
	defer p.Close()
	require.NoError(t, p.Print(ctx, []byte("^XA^FDhello^FS^XZ")))
	sr, ok := p.(printer.StatusReporter)
	require.True(t, ok, "a TCP printer reports status")
	st, err := sr.Status(ctx) // answered after the label: the emulator has it now
	require.NoError(t, err)
	assert.True(t, st.Ready())
	require.Len(t, emu.Printed(), 1)
	assert.Contains(t, string(emu.Printed()[0].Data), "hello")
	emu.PaperOut()
	st, err = sr.Status(ctx)
	require.NoError(t, err)
	assert.True(t, st.Has(printer.PaperOut))
}

func TestOpenPrinterFile(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	p, err := dadan.OpenPrinter(ctx, "file://"+dir+"?ext=zpl")
	require.NoError(t, err)
	require.NoError(t, p.Print(ctx, []byte("^XA^XZ")))
	require.NoError(t, p.Close())
	files, err := filepath.Glob(filepath.Join(dir, "*.zpl"))
	require.NoError(t, err)
	require.Len(t, files, 1)
	b, err := os.ReadFile(files[0])
	require.NoError(t, err)
	assert.Equal(t, "^XA^XZ", string(b))
}

func TestOpenPrinterErrors(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{"lpt://x", "tcp://", "serial://", "file://", "cups://", "tcp://h?lang=pcl", "tcp://h?timeout=soon", "serial:///dev/ttyS0?baud=fast", "%zz"} {
		_, err := dadan.OpenPrinter(ctx, u)
		assert.ErrorIs(t, err, dadan.ErrPrinterURL, u)
	}
	_, err := dadan.OpenPrinter(ctx, "serial:///dev/ttyS0?baud=12345")
	var be *serial.BaudError
	assert.True(t, errors.As(err, &be), "bad baud rate: %v", err)
	_, err = dadan.OpenPrinter(ctx, "tcp://127.0.0.1:1?timeout=500ms")
	assert.ErrorIs(t, err, printer.ErrOffline)
	_, err = dadan.OpenPrinter(ctx, "file:///does/not/exist")
	assert.ErrorIs(t, err, printer.ErrOffline)
	_, err = dadan.OpenPrinter(ctx, "cups://127.0.0.1:1/q")
	assert.ErrorIs(t, err, printer.ErrOffline)
}

func TestOpenPrinterIPv6(t *testing.T) {
	_, err := dadan.OpenPrinter(context.Background(), "tcp://[::1]?timeout=300ms")
	require.Error(t, err)
	assert.ErrorIs(t, err, printer.ErrOffline, "dialled [::1]:9100, nothing listens: %v", err)
	assert.NotContains(t, err.Error(), "missing port")
}

func TestOpenPrinterStatusModes(t *testing.T) {
	ctx := context.Background()
	emu, err := printertest.New(nil)
	require.NoError(t, err)
	defer emu.Close()
	p, err := dadan.OpenPrinter(ctx, "tcp://"+emu.Addr()+"?status=none")
	require.NoError(t, err)
	defer p.Close()
	ow, ok := p.(printer.OneWay)
	require.True(t, ok)
	assert.True(t, ow.OneWay())
	require.NoError(t, p.Print(ctx, []byte("^XA^FDnone^FS^XZ")))
	_, err = p.(printer.StatusReporter).Status(ctx)
	assert.ErrorIs(t, err, printer.ErrNoStatus)
	require.Eventually(t, func() bool { return len(emu.Printed()) == 1 }, time.Second, time.Millisecond)
	assert.Zero(t, emu.QueriesReceived(), "status=none sends no query byte")

	mute, err := printertest.New(nil)
	require.NoError(t, err)
	defer mute.Close()
	mute.NoStatus()
	var logs bytes.Buffer
	p2, err := dadan.OpenPrinterWith(ctx, "tcp://"+mute.Addr()+"?timeout=100ms",
		&dadan.PrinterOptions{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	require.NoError(t, err)
	defer p2.Close()
	require.NoError(t, p2.Print(ctx, []byte("^XA^FDauto^FS^XZ")))
	assert.True(t, p2.(printer.OneWay).OneWay(), "status=auto is the default")
	assert.Contains(t, logs.String(), "one-way")

	for _, u := range []string{"tcp://h?status=sometimes", "tcp://h?speed=fast", "tcp://h?speed=0", "serial:///dev/ttyS0?status=x", "serial:///dev/ttyS0?timeout=-1s"} {
		_, err := dadan.OpenPrinter(ctx, u)
		assert.ErrorIs(t, err, dadan.ErrPrinterURL, u)
	}
}

func TestOpenPrinterSerialTSPLOneWay(t *testing.T) {
	line := ptytest.New(t)
	host := line.Host
	ctx := context.Background()
	p, err := dadan.OpenPrinter(ctx, "serial://"+host+"?baud=115200&lang=tspl&status=none")
	require.NoError(t, err)
	defer p.Close()
	assert.True(t, p.(printer.OneWay).OneWay())
	require.NoError(t, p.Print(ctx, []byte("PRINT 1\r\n")))
	require.Eventually(t, func() bool { return len(line.Bytes()) >= 9 }, 2*time.Second, time.Millisecond)
	assert.Equal(t, "PRINT 1\r\n", string(line.Bytes()), "the job and no query")
}
