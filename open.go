package dadan

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/cups"
	"github.com/dadanhq/dadan/printer/file"
	"github.com/dadanhq/dadan/printer/serial"
	"github.com/dadanhq/dadan/printer/tcp"
)

// ErrPrinterURL is wrapped by the errors of [OpenPrinter] for a URL it cannot use.
var ErrPrinterURL = errors.New("dadan: bad printer URL")

// OpenPrinter opens the printer a URL names:
//
//	tcp://host:9100?lang=zpl|escpos|tspl&status=auto|query|none&timeout=3s&speed=1024
//	                                              raw TCP (port 9100 by default)
//	serial:///dev/ttyUSB0?baud=9600&lang=escpos&status=none&timeout=2s
//	                                              a serial port
//	file:///var/spool/dadan?ext=zpl&mode=0644    a spool directory, a device node such as
//	                                              file:///dev/usb/lp0, or a file to append to
//	cups://queue  cups://host:631/queue           a CUPS queue (raw jobs over IPP)
//	ipp://host:631/printers/queue                 the same, as an IPP URL
//
// lang chooses how status is asked (ZPL ~HS, ESC/POS DLE EOT or TSPL <ESC>!?;
// default zpl). status says whether it is asked: auto (the default) asks once and
// takes a printer that does not answer for one-way ([printer.OneWay]), query
// always asks, none never sends a query byte. timeout is the dial and status
// read timeout of TCP and the status read timeout of a serial port; speed is the
// line speed in bytes per second TCP assumes until it has measured one. Errors
// wrap [ErrPrinterURL] for a URL that cannot name a printer, or the transport's
// typed errors (printer.ErrOffline for an unreachable device).
func OpenPrinter(ctx context.Context, rawURL string) (printer.Printer, error) {
	return OpenPrinterWith(ctx, rawURL, nil)
}

// PrinterOptions are what a printer URL cannot say. The zero value means
// defaults.
type PrinterOptions struct {
	// Logger receives the transport's notices, such as a printer taken for
	// one-way; nil discards.
	Logger *slog.Logger
}

// OpenPrinterWith is [OpenPrinter] with options; nil options are defaults.
func OpenPrinterWith(ctx context.Context, rawURL string, opts *PrinterOptions) (printer.Printer, error) {
	if opts == nil {
		opts = &PrinterOptions{}
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPrinterURL, err)
	}
	q := u.Query()
	lang := strings.ToLower(q.Get("lang"))
	if lang != "" && lang != "zpl" && lang != "escpos" && lang != "tspl" {
		return nil, fmt.Errorf("%w: lang=%q (want zpl, escpos or tspl)", ErrPrinterURL, lang)
	}
	mode, err := printer.ParseStatusMode(strings.ToLower(q.Get("status")))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPrinterURL, err)
	}
	var timeout time.Duration
	if s := q.Get("timeout"); s != "" {
		timeout, err = time.ParseDuration(s)
		if err != nil || timeout <= 0 {
			return nil, fmt.Errorf("%w: timeout=%q", ErrPrinterURL, s)
		}
	}
	switch u.Scheme {
	case "tcp":
		if u.Host == "" {
			return nil, fmt.Errorf("%w: %q has no host", ErrPrinterURL, rawURL)
		}
		topts := &tcp.Options{Status: mode, Logger: opts.Logger, DialTimeout: timeout, ReadTimeout: timeout}
		switch lang {
		case "escpos":
			topts.Language = tcp.ESCPOS
		case "tspl":
			topts.Language = tcp.TSPL
		}
		if s := q.Get("speed"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n <= 0 {
				return nil, fmt.Errorf("%w: speed=%q (bytes per second)", ErrPrinterURL, s)
			}
			topts.Speed = n
		}
		port := u.Port()
		if port == "" {
			port = tcp.DefaultPort
		}
		return tcp.Dial(ctx, net.JoinHostPort(u.Hostname(), port), topts)
	case "serial":
		if u.Path == "" {
			return nil, fmt.Errorf("%w: %q has no device path", ErrPrinterURL, rawURL)
		}
		sopts := &serial.Options{Status: mode, Logger: opts.Logger, ReadTimeout: timeout}
		if s := q.Get("baud"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return nil, fmt.Errorf("%w: baud=%q", ErrPrinterURL, s)
			}
			sopts.Baud = n
		}
		switch lang {
		case "escpos":
			sopts.Language = serial.ESCPOS
		case "tspl":
			sopts.Language = serial.TSPL
		}
		return serial.Open(ctx, u.Path, sopts)
	case "file":
		if u.Path == "" {
			return nil, fmt.Errorf("%w: %q has no path", ErrPrinterURL, rawURL)
		}
		fo := &file.Options{Ext: q.Get("ext")}
		if s := q.Get("mode"); s != "" {
			m, err := strconv.ParseUint(s, 8, 32)
			if err != nil || m > 0o777 {
				return nil, fmt.Errorf("%w: mode=%q (octal permission, such as 0644)", ErrPrinterURL, s)
			}
			fo.Mode = fs.FileMode(m)
		}
		return file.Open(u.Path, fo)
	case "cups":
		queue := strings.Trim(u.Path, "/")
		host := u.Host
		if queue == "" {
			queue, host = u.Host, ""
		}
		if queue == "" {
			return nil, fmt.Errorf("%w: %q has no queue", ErrPrinterURL, rawURL)
		}
		return cups.Open(ctx, queue, &cups.Options{Host: host})
	case "ipp", "ipps":
		return cups.Open(ctx, rawURL, nil)
	}
	return nil, fmt.Errorf("%w: unknown scheme %q (want tcp, serial, file, cups or ipp)", ErrPrinterURL, u.Scheme)
}
