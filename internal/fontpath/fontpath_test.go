package fontpath_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/dadanhq/dadan/internal/fontpath"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFirst(t *testing.T) {
	dir := t.TempDir()
	font := filepath.Join(dir, "b.ttf")
	require.NoError(t, os.WriteFile(font, []byte("x"), 0o644))
	assert.Equal(t, font, fontpath.First([]string{filepath.Join(dir, "missing.ttf"), dir, font}), "directories and missing files are skipped")
	assert.Empty(t, fontpath.First([]string{dir}))
	assert.Empty(t, fontpath.First(nil))
}

func ExampleFirst() {
	path := fontpath.First(fontpath.CJK)
	fmt.Println(path == "" || filepath.Ext(path) == ".ttf")
	// Output: true
}

func TestFallbacksSkipPrimary(t *testing.T) {
	for _, p := range fontpath.Fallbacks(fontpath.First(fontpath.Latin)) {
		assert.NotEqual(t, fontpath.First(fontpath.Latin), p)
	}
	if r := fontpath.First(fontpath.Rare); r != "" {
		assert.Contains(t, fontpath.Fallbacks(""), r)
	}
}

func TestFound(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.ttc"), filepath.Join(dir, "b.ttc")
	require.NoError(t, os.WriteFile(b, []byte("x"), 0o644))
	assert.Equal(t, []string{b}, fontpath.Found([]string{a, dir, b}))
	assert.Empty(t, fontpath.Found(nil))
}
