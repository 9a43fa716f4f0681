package main

import (
	"errors"
	"strings"
	"unicode"

	"golang.org/x/text/width"

	"github.com/dadanhq/dadan/order"
)

func decodeErr(err error) *order.DecodeError {
	var de *order.DecodeError
	if errors.As(err, &de) {
		return de
	}
	return nil
}

// displayWidth is the number of terminal columns s takes: East Asian wide and
// fullwidth characters take two, combining marks and control characters none.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || unicode.Is(unicode.Cf, r):
		case width.LookupRune(r).Kind() == width.EastAsianWide || width.LookupRune(r).Kind() == width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// pad returns s padded with spaces to n terminal columns (see displayWidth); a
// longer s is returned as it is.
func pad(s string, n int) string {
	if w := displayWidth(s); w < n {
		return s + strings.Repeat(" ", n-w)
	}
	return s
}
