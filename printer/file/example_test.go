package file_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/dadanhq/dadan/printer/file"
)

// Spool two jobs into a directory that another program (or a person) picks up.
func Example() {
	dir, _ := os.MkdirTemp("", "spool")
	defer os.RemoveAll(dir)
	clock := func() time.Time { return time.Date(2026, 11, 11, 8, 0, 0, 0, time.UTC) }
	p, err := file.Open(dir, &file.Options{Ext: "zpl", Now: clock})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()
	for _, job := range []string{"^XA^FDfirst^FS^XZ", "^XA^FDsecond^FS^XZ"} {
		name, err := p.PrintFile(context.Background(), []byte(job))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(p.Kind(), filepath.Base(name))
	}
	// Output:
	// spool 000000000001-20261111T080000.000000000Z.zpl
	// spool 000000000002-20261111T080000.000000000Z.zpl
}
