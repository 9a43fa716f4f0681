package dadan_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/dadanhq/dadan"
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
