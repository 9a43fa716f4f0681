// Package migration reads the numbered schema files of the SQL stores: one file a
// version, 0001_init.sql making version 1, 0002_….sql version 2, without gaps.
package migration

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Step is one schema version.
type Step struct {
	Version int
	Name    string // the file name, as 0001_init.sql
	SQL     string
}

// Load returns the steps of the .sql files in dir of fsys in version order; a
// file not named NNNN_name.sql or a gap in the versions is an error that names
// the file, prefixed with store ("sqlite", "postgres").
func Load(fsys fs.FS, dir, store string) ([]Step, error) {
	names, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil {
		return nil, err
	}
	var out []Step
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("%s: migration %s: name is not NNNN_name.sql", store, base)
		}
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		out = append(out, Step{Version: v, Name: base, SQL: string(b)})
	}
	slices.SortFunc(out, func(a, b Step) int { return a.Version - b.Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("%s: migration %s: want version %d", store, m.Name, i+1)
		}
	}
	return out, nil
}
