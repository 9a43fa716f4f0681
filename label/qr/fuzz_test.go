package qr_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/label/qr"
)

func FuzzEncode(f *testing.F) {
	for _, s := range []string{"", "0", "756123456789", "ZTO 123", "张三 13800138000", "\x00\xff", repeat("9", 300)} {
		f.Add(s, byte(1))
	}
	f.Fuzz(func(t *testing.T, s string, lv byte) {
		level := qr.Level(lv % 5) // 4 is invalid
		c, err := qr.Encode(s, level)
		if level > qr.High {
			require.ErrorIs(t, err, qr.ErrLevel)
			return
		}
		if errors.Is(err, qr.ErrTooLong) {
			require.Greater(t, len(s), 1800)
			return
		}
		require.NoError(t, err)
		require.True(t, c.Version >= 1 && c.Version <= qr.MaxVersion)
		require.True(t, c.Mask >= 0 && c.Mask < 8)
		n := 4*c.Version + 17
		require.Len(t, c.Modules, n)
		for _, row := range c.Modules {
			require.Len(t, row, n)
		}
		// Finder pattern corners are dark, separators light, timing alternates.
		require.True(t, c.Modules[0][0] && c.Modules[0][n-1] && c.Modules[n-1][0])
		require.False(t, c.Modules[7][7] || c.Modules[7][n-8] || c.Modules[n-8][7])
		for i := 8; i < n-8; i++ {
			require.Equal(t, i%2 == 0, c.Modules[6][i])
			require.Equal(t, i%2 == 0, c.Modules[i][6])
		}
		require.True(t, c.Modules[n-8][8], "dark module")
		if c.Version > 1 {
			prev, err := qr.EncodeVersion(s, level, c.Version-1)
			require.ErrorIs(t, err, qr.ErrTooLong, "version %d would do", c.Version-1)
			require.Nil(t, prev.Modules)
		}
	})
}
