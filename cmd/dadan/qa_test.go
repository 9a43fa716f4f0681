package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQAPlan(t *testing.T) {
	cases := []struct {
		args []string
		want planLine
	}{
		{[]string{"--lot", "1000", "--aql", "2.5"}, planLine{"J", 80, 5, 6}},
		{[]string{"--lot", "1000", "--aql", "2.5", "--severity", "tightened"}, planLine{"J", 80, 3, 4}},
		{[]string{"--lot", "1000", "--aql", "2.5", "--severity", "reduced"}, planLine{"J", 32, 2, 3}},
		{[]string{"--lot", "1000", "--aql", "0.40", "--level", "II"}, planLine{"K", 125, 1, 2}},
		{[]string{"--lot", "10", "--aql", "0.065"}, planLine{"L", 10, 0, 1}}, // 200 ≥ the lot: all of it
		{[]string{"--lot", "600000", "--aql", "1.0", "--level", "S-3"}, planLine{"H", 50, 1, 2}},
	}
	for _, c := range cases {
		code, out, errOut := runCLI(t, "", append([]string{"qa", "plan", "--json"}, c.args...)...)
		require.Equal(t, 0, code, errOut)
		var got planLine
		require.NoError(t, json.Unmarshal([]byte(out), &got), out)
		assert.Equal(t, c.want, got, c.args)
	}
	for _, bad := range [][]string{
		{"--lot", "1000", "--aql", "3"},
		{"--lot", "1000"},
		{"--lot", "1", "--aql", "2.5"},
		{"--lot", "1000", "--aql", "2.5", "--level", "IV"},
		{"--lot", "1000", "--aql", "2.5", "--severity", "discontinued"},
	} {
		code, _, errOut := runCLI(t, "", append([]string{"qa", "plan"}, bad...)...)
		assert.Equal(t, exitUsage, code, bad)
		assert.NotEmpty(t, errOut)
	}
}
