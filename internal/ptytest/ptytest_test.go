package ptytest_test

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/ptytest"
)

func TestLineCarriesBytes(t *testing.T) {
	l := ptytest.New(t)
	f, err := os.OpenFile(l.Host, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer f.Close()
	_, err = f.Write([]byte("^XA^XZ"))
	require.NoError(t, err)
	assert.Eventually(t, func() bool { return string(l.Bytes()) == "^XA^XZ" }, 2*time.Second, time.Millisecond)
}
