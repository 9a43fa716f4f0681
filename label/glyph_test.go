package label_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dadanhq/dadan/label"
)

func TestMustGlyph(t *testing.T) {
	for _, r := range []rune{'a', 'Z', '0', '张', '喆', '𠮷', '\u0301', '×', '·', '¥', '—', '😀', '\U0001FAE0', '❤', '\uFFFD'} {
		assert.True(t, label.MustGlyph(r), "%U must be drawn", r)
	}
	for _, r := range []rune{'\ufe0f', '\ufe00', '\U000E0100', '\u200d', '\u200c', '\U0001F3FB', '\U0001F3FF',
		'\U000E0041', '\U000E007F', ' ', '\u3000', '\u00a0', '\n', 0x7f, 0x85, '\u200b', '\ufeff'} {
		assert.False(t, label.MustGlyph(r), "%U draws nothing", r)
	}
}
