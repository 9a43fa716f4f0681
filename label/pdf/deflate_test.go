package pdf

import (
	"bytes"
	"compress/zlib"
	"hash/adler32"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func inflate(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := zlib.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	out, err := io.ReadAll(zr)
	require.NoError(t, err)
	return out
}

func TestFastZlibRoundTrips(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 100000)
	for i := range random {
		random[i] = byte(rng.IntN(256))
	}
	long := strings.Repeat("12 0 3 1 re\n", 20000) // matches up to 258 bytes, far distances
	var z fastZlib
	for _, in := range [][]byte{nil, []byte("a"), []byte("abcd"), []byte("aaaaaaaaaaaaaaaaaaaa"),
		[]byte(long), random, random[:1000], append([]byte(long[:5000]), random[:5000]...),
		// Far matches carry 13 extra distance bits.
		bytes.Repeat(random[:20000], 3), append(bytes.Repeat(random[:17001], 2), random[5:30011]...)} {
		out := z.compress(nil, in)
		assert.Equal(t, len(in), len(inflate(t, out)))
		assert.True(t, bytes.Equal(in, inflate(t, out)))
	}
	assert.Less(t, len(z.compress(nil, []byte(long))), len(long)/50)
}

func TestBitWriterKeepsEveryBit(t *testing.T) {
	for pre := 0; pre < 130; pre++ {
		var z fastZlib
		for range pre {
			z.bits(1, 1)
		}
		z.bits(0x2ABCD, 18) // the longest code: a distance with 13 extra bits
		z.bits(0, 7)
		z.lit(256)
		for z.nacc > 0 {
			z.out = append(z.out, byte(z.acc))
			z.acc >>= 8
			z.nacc -= min(z.nacc, 8)
		}
		bit := func(i int) uint32 { return uint32(z.out[i/8]>>(i%8)) & 1 }
		var got uint32
		for i := 0; i < 18; i++ {
			got |= bit(pre+i) << i
		}
		require.Equal(t, uint32(0x2ABCD), got, "after %d bits", pre)
		for i := 0; i < pre; i++ {
			require.Equal(t, uint32(1), bit(i))
		}
	}
}

func TestDistCode(t *testing.T) {
	for d := 1; d <= maxDist; d++ {
		c := distCode(d)
		require.True(t, int(distBase[c]) <= d && (c == 29 || d < int(distBase[c+1])), "distance %d code %d", d, c)
		require.Less(t, d-int(distBase[c]), 1<<distExtra[c])
	}
}

func FuzzFastZlib(f *testing.F) {
	f.Add([]byte("q 0.709 0 0 -34.016 22.677 340.157 cm\n0 0 2 1 re\n3 0 1 1 re\n"))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 255})
	var z fastZlib
	f.Fuzz(func(t *testing.T, in []byte) {
		out := z.compress(nil, in)
		zr, err := zlib.NewReader(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(got, in) {
			t.Fatalf("round trip failed: %v", err)
		}
	})
}

// Pieces, some spliced from codes encoded before, inflate to their concatenation,
// with the right Adler-32 (zlib's reader checks it).
func TestCompressPieces(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	chunk := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.IntN(8)) // compressible, with matches
		}
		return b
	}
	var z fastZlib
	for round := range 50 {
		var pieces []piece
		var want []byte
		for range rng.IntN(40) {
			p := chunk(rng.IntN(3000))
			want = append(want, p...)
			if rng.IntN(2) == 0 {
				var enc fastZlib
				if round%2 == 0 {
					enc = z // the encoder's history must not leak into the codes
				}
				pieces = append(pieces, piece{codes: enc.encode(p)})
			} else {
				pieces = append(pieces, piece{raw: p})
			}
		}
		out := z.compressPieces(nil, pieces)
		require.True(t, bytes.Equal(want, inflate(t, out)), "round %d", round)
	}
}

func TestAdlerCombine(t *testing.T) {
	a, b := []byte(strings.Repeat("font subset ", 9000)), []byte("glyph")
	for _, n := range []int{0, 1, 5, 65520, 65521, 65522, len(a)} {
		x, y := a[:n], append(b, a[:n%300]...)
		assert.Equal(t, adler32.Checksum(append(slices.Clone(x), y...)), adlerCombine(adler32.Checksum(x), adler32.Checksum(y), len(y)))
	}
}

// A subset's compressed font file, built from glyph codes cached by earlier
// subsets or not, inflates to exactly the subset font, composites included.
func TestSubsetSplicedGlyphs(t *testing.T) {
	needFonts(t)
	for _, path := range []string{latinFont, cjkFont} {
		f, err := LoadFont(path)
		require.NoError(t, err)
		for _, s := range []string{"AéÅ中x", "中文 AÅ 快递单", "快递单号 éx", "AéÅ中x"} {
			runes := append([]rune{0}, []rune(s)...)
			gids := make([]uint16, len(runes))
			for i, r := range runes[1:] {
				gids[i+1] = f.glyphIndex(r)
			}
			ttf, _, err := f.subsetTTF(runes, gids)
			require.NoError(t, err)
			sub, err := f.buildSubset(runes, gids)
			require.NoError(t, err)
			require.Equal(t, len(ttf), sub.fontLen)
			require.True(t, bytes.Equal(ttf, inflate(t, sub.fontFile)), "%s %q", path, s)
		}
		require.NotEmpty(t, f.glyphCodes)
	}
}
