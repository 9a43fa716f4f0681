package qr

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The bit-parallel masking and scoring agree with the module-by-module reference on
// real symbols of every version and on random matrices.
func TestBitsMatchReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for ver := 1; ver <= MaxVersion; ver++ {
		n := 4*ver + 17
		base := matrix{size: n, mod: make([]byte, n*n)}
		base.functionPatterns(ver)
		cw := make([]byte, rawModules(ver)/8)
		for i := range cw {
			cw[i] = byte(rng.IntN(256))
		}
		base.placeData(cw)
		lv := Level(ver % 4)
		sb := newSymbolBits(tablesFor(ver), make([]line, 4*n))
		sb.place(cw)
		for k := 0; k < 8; k++ {
			ref := matrix{size: n, mod: append([]byte(nil), base.mod...)}
			ref.refApplyMask(k)
			ref.formatBits(lv, k)
			sb.apply(lv, k)
			for y := 0; y < n; y++ {
				for x := 0; x < n; x++ {
					require.Equal(t, ref.mod[y*n+x]&dark != 0, sb.rows[y].get(x), "v%d mask %d (%d,%d)", ver, k, x, y)
					require.Equal(t, ref.mod[y*n+x]&dark != 0, sb.cols[x].get(y), "v%d mask %d (%d,%d) col", ver, k, x, y)
				}
			}
			require.Equal(t, ref.refPenalty(), sb.penalty(-1), "v%d mask %d", ver, k)
		}
	}
	// Random patterns, including long runs and finder-like patterns.
	for trial := 0; trial < 200; trial++ {
		ver := 1 + rng.IntN(MaxVersion)
		n := 4*ver + 17
		m := matrix{size: n, mod: make([]byte, n*n)}
		density := rng.Float64()
		for i := range m.mod {
			if rng.Float64() < density {
				m.mod[i] = dark
			}
		}
		sb := symbolBits{n: n, rows: make([]line, n), cols: make([]line, n)}
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				if m.mod[y*n+x] != 0 {
					sb.rows[y].set(x)
					sb.cols[x].set(y)
				}
			}
		}
		require.Equal(t, m.refPenalty(), sb.penalty(-1), "trial %d v%d density %.2f", trial, ver, density)
	}
}
