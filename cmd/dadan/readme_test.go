package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeReference returns the README's section "Every flag and URL option".
func readmeReference(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	s := string(b)
	i := strings.Index(s, "### Every flag and URL option")
	require.GreaterOrEqual(t, i, 0, "README has the reference section")
	s = s[i+3:]
	if j := strings.Index(s, "\n#"); j >= 0 {
		s = s[:j]
	}
	return s
}

// commandEntry returns the README reference's entry for command name: the list
// item that starts "- `dadan NAME`", up to the next item.
func commandEntry(ref, name string) string {
	i := strings.Index(ref, "- `dadan "+name+"`")
	if i < 0 {
		return ""
	}
	s := ref[i+2:]
	if j := strings.Index(s, "\n- "); j >= 0 {
		s = s[:j]
	}
	return s
}

var helpFlag = regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`)

// TestEveryFlagInREADME: every flag of every command (and subcommand), as -h
// lists it, is in the README's reference, in that command's entry.
func TestEveryFlagInREADME(t *testing.T) {
	ref := readmeReference(t)
	cmds := [][]string{}
	for _, c := range commandList() {
		if c.name != "qa" { // its flags are its subcommands'
			cmds = append(cmds, []string{c.name})
		}
	}
	for _, sub := range []string{"report", "open", "claim", "resolve", "delays"} {
		cmds = append(cmds, []string{"problems", sub})
	}
	for _, sub := range []string{"plan", "sample", "inspect", "lot", "report"} {
		cmds = append(cmds, []string{"qa", sub})
	}
	for _, c := range cmds {
		_, _, help := runCLI(t, "", append(c, "-h")...)
		flags := helpFlag.FindAllStringSubmatch(help, -1)
		require.NotEmpty(t, flags, "%v -h lists flags", c)
		entry := commandEntry(ref, c[0])
		require.NotEmpty(t, entry, "README reference has an entry for dadan %s", c[0])
		if len(c) > 1 {
			i := strings.Index(entry, "`"+c[0]+" "+c[1]+"`")
			require.GreaterOrEqual(t, i, 0, "README reference describes %s %s", c[0], c[1])
			entry = entry[i:]
			if j := strings.Index(entry[1:], "`"+c[0]+" "); j >= 0 {
				entry = entry[:j+1]
			}
		}
		for _, f := range flags {
			name := f[1]
			if c[0] == "ingest" && strings.Contains(commandEntry(ref, "review"), "`--"+name) && name != "db" {
				continue // "as review, plus --db"
			}
			if name == "as" || name == "policy" {
				assert.Contains(t, ref, "`--as USER` and `--policy FILE`", "README: every command's --as and --policy")
				continue
			}
			if name == "keys" && c[0] != "rekey" {
				assert.Contains(t, ref, "`--keys FILE` is on every command that opens a database", "README: --keys")
				continue
			}
			if name == "lang" || name == "db" || name == "json" {
				// Described once above the list; the entry still names them.
				assert.True(t, strings.Contains(entry, "`--"+name), "README: dadan %s --%s", strings.Join(c, " "), name)
				continue
			}
			assert.True(t, strings.Contains(entry, "`--"+name), "README: dadan %s --%s is not documented", strings.Join(c, " "), name)
		}
	}
}
