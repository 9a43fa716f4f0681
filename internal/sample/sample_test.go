package sample_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/dadanhq/dadan/internal/sample"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSampleFiles(t *testing.T) {
	assert.Equal(t, 56, bytes.Count(bytes.TrimSpace(sample.Orders), []byte("\n"))+1)
	var stock map[string]int
	require.NoError(t, json.Unmarshal(sample.Stock, &stock))
	var prices map[string]string
	require.NoError(t, json.Unmarshal(sample.Prices, &prices))
	for sku := range stock {
		assert.Contains(t, prices, sku, "every stocked SKU has a price")
	}
}

func Example() {
	var stock map[string]int
	_ = json.Unmarshal(sample.Stock, &stock)
	fmt.Println("TEA-LJ-250 on hand:", stock["TEA-LJ-250"])
	// Output: TEA-LJ-250 on hand: 6
}
