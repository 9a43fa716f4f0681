package review

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// suspiciousRef is the plain statement of [suspicious]: a byte scan for
// controls and commands, then a separate encoding check.
func suspiciousRef(s string) (suspicion, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f:
			return suspicion{variant: "control", what: codePoint(rune(s[i+1]))}, true
		case c == 0xe2 && i+2 < len(s) && ((s[i+1] == 0x80 && s[i+2] >= 0xaa && s[i+2] <= 0xae) || (s[i+1] == 0x81 && s[i+2] >= 0xa6 && s[i+2] <= 0xa9)):
			r, _ := utf8.DecodeRuneInString(s[i:])
			return suspicion{variant: "control", what: codePoint(r)}, true
		case c < 0x20 || c == 0x7f:
			return suspicion{variant: "control", what: codePoint(rune(c))}, true
		case (c == '^' || c == '~') && i+2 < len(s) && isASCIILetter(s[i+1]) && (isASCIILetter(s[i+2]) || isDigit(s[i+2])):
			return suspicion{variant: "command", what: s[i : i+3]}, true
		}
	}
	if !utf8.ValidString(s) {
		return suspicion{variant: "encoding"}, true
	}
	return suspicion{}, false
}

// textPieces are the fragments random texts are made of: the characters the
// checks look for, their neighbours, and broken encodings.
var textPieces = []string{
	"a", "Z", "5", " ", "^", "~", "^XA", "~JR", "^F", "\x1b", "\x7f", "\t",
	"杭", "州", "路", "号", "，", "　", "\u0085", "\u009f", "\u00a0", "\u202a", "\u202e", "\u2066", "\u2069", "\u2028", "\u2000",
	"😀", "\ufffd", "\xe4", "\xe4\xb8", "\xe2\x80", "\xc2", "\xff", "\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe0\x80\x80", "\xc0\xaf",
}

func randomText(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(12) {
		b.WriteString(textPieces[r.IntN(len(textPieces))])
	}
	return b.String()
}

func TestSuspiciousMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		s := randomText(r)
		gs, gb := suspicious(s)
		ws, wb := suspiciousRef(s)
		if gs != ws || gb != wb {
			t.Fatalf("suspicious(%q) = %v, %v; want %v, %v", s, gs, gb, ws, wb)
		}
		if got, want := blank(s), strings.TrimSpace(s) == ""; got != want {
			t.Fatalf("blank(%q) = %v", s, got)
		}
	}
	assert.True(t, blank(" \t\u3000\u00a0"))
	assert.False(t, blank(" \xff "))
}

func FuzzSuspicious(f *testing.F) {
	for _, p := range textPieces {
		f.Add(p + "路")
	}
	f.Fuzz(func(t *testing.T, s string) {
		gs, gb := suspicious(s)
		ws, wb := suspiciousRef(s)
		if gs != ws || gb != wb {
			t.Fatalf("suspicious(%q) = %v, %v; want %v, %v", s, gs, gb, ws, wb)
		}
	})
}
