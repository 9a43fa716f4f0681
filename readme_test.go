package dadan_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryURLOptionInREADME: every query parameter OpenPrinter reads is described
// in the README's reference section.
func TestEveryURLOptionInREADME(t *testing.T) {
	src, err := os.ReadFile("open.go")
	require.NoError(t, err)
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	ref := string(readme)
	i := strings.Index(ref, "### Every flag and URL option")
	require.GreaterOrEqual(t, i, 0)
	ref = ref[i:]
	opts := regexp.MustCompile(`q\.Get\("([a-z_]+)"\)`).FindAllStringSubmatch(string(src), -1)
	require.NotEmpty(t, opts)
	for _, o := range opts {
		assert.Contains(t, ref, "`"+o[1]+"=", "README: URL option %s= is not documented", o[1])
	}
	for _, v := range []string{"DADAN_CUPS_QUEUE", "DADAN_CUPS_CAPTURE", "DADAN_DB", "DADAN_PG_DSN", "DADAN_KEYS"} {
		assert.Contains(t, ref, "`"+v+"`")
	}
}

// TestExamplesCopyable: no example imports a package of internal/, so any of them
// can be copied into a user's own module with the data files beside it.
func TestExamplesCopyable(t *testing.T) {
	files, err := filepath.Glob("examples/*/*.go")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, im := range af.Imports {
			assert.NotContains(t, im.Path.Value, "/internal/", "%s imports %s: a copy outside this module cannot build", f, im.Path.Value)
		}
	}
}
