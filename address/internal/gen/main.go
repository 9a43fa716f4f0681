// Command gen turns address/data/divisions.txt into address/tables_gen.go. Run it
// with go generate in the address package.
package main

import (
	"flag"
	"log"
	"os"

	"github.com/dadanhq/dadan/address/internal/divdata"
)

func main() {
	in := flag.String("in", "data/divisions.txt", "division data file")
	out := flag.String("out", "tables_gen.go", "Go file to write")
	flag.Parse()
	f, err := os.Open(*in)
	if err != nil {
		log.Fatal(err)
	}
	d, err := divdata.Parse(f)
	f.Close()
	if err != nil {
		log.Fatalf("%s: %v", *in, err)
	}
	src, err := divdata.Generate(d)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}
