package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/dadanhq/dadan/address"
)

// runAddress splits one-line addresses, given as arguments or one a line on
// standard input, into province, city, district, street and detail.
func runAddress(_ context.Context, args []string, e *env) int {
	fs := newFlags("address", e)
	asJSON := fs.Bool("json", false, `one JSON object per address: {"province","city","district","street","detail"}`)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: dadan address [--json] TEXT...\n\nWith no TEXT, reads one address a line from standard input.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if code, ok := checkAccess(fs); !ok {
		return code
	}
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	write := func(line string) error {
		a := address.Split(line)
		if *asJSON {
			return enc.Encode(a)
		}
		_, err := fmt.Fprintf(out, "%s\t%s\t%s\t%s\t%s\n", a.Province, a.City, a.District, a.Street, a.Detail)
		return err
	}
	if fs.NArg() > 0 {
		for _, a := range fs.Args() {
			if err := write(a); err != nil {
				return exitRefused
			}
		}
		return exitOK
	}
	sc := bufio.NewScanner(e.stdin)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if err := write(line); err != nil {
			return exitRefused
		}
	}
	if err := sc.Err(); err != nil {
		out.Flush()
		e.errorf("address: %v", err)
		return exitRefused
	}
	return exitOK
}
