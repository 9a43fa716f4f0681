package dadan

import (
	"context"
	"errors"
	"fmt"
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
//	tcp://host:9100?lang=zpl|escpos&timeout=3s   raw TCP (port 9100 by default)
//	serial:///dev/ttyUSB0?baud=9600&lang=escpos  a serial port
//	file:///var/spool/dadan?ext=zpl               a spool directory, a device node such as
//	                                              file:///dev/usb/lp0, or a file to append to
//	cups://queue  cups://host:631/queue           a CUPS queue (raw jobs over IPP)
//	ipp://host:631/printers/queue                 the same, as an IPP URL
//
// lang chooses how status is asked (ZPL ~HS or ESC/POS DLE EOT; default zpl).
// Errors wrap [ErrPrinterURL] for a URL that cannot name a printer, or the
// transport's typed errors (printer.ErrOffline for an unreachable device).
func OpenPrinter(ctx context.Context, rawURL string) (printer.Printer, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPrinterURL, err)
	}
	q := u.Query()
	lang := strings.ToLower(q.Get("lang"))
	if lang != "" && lang != "zpl" && lang != "escpos" {
		return nil, fmt.Errorf("%w: lang=%q (want zpl or escpos)", ErrPrinterURL, lang)
	}
	switch u.Scheme {
	case "tcp":
		if u.Host == "" {
			return nil, fmt.Errorf("%w: %q has no host", ErrPrinterURL, rawURL)
		}
		opts := &tcp.Options{}
		if lang == "escpos" {
			opts.Language = tcp.ESCPOS
		}
		if s := q.Get("timeout"); s != "" {
			d, err := time.ParseDuration(s)
			if err != nil || d <= 0 {
				return nil, fmt.Errorf("%w: timeout=%q", ErrPrinterURL, s)
			}
			opts.DialTimeout, opts.ReadTimeout = d, d
		}
		port := u.Port()
		if port == "" {
			port = tcp.DefaultPort
		}
		return tcp.Dial(ctx, net.JoinHostPort(u.Hostname(), port), opts)
	case "serial":
		if u.Path == "" {
			return nil, fmt.Errorf("%w: %q has no device path", ErrPrinterURL, rawURL)
		}
		opts := &serial.Options{}
		if s := q.Get("baud"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return nil, fmt.Errorf("%w: baud=%q", ErrPrinterURL, s)
			}
			opts.Baud = n
		}
		if lang == "escpos" {
			opts.Language = serial.ESCPOS
		}
		return serial.Open(ctx, u.Path, opts)
	case "file":
		if u.Path == "" {
			return nil, fmt.Errorf("%w: %q has no path", ErrPrinterURL, rawURL)
		}
		return file.Open(u.Path, &file.Options{Ext: q.Get("ext")})
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
