// Command printeremu runs emulated network printers for whole-process runs: one
// ZPL and one ESC/POS printer on loopback, each answering status queries and
// counting the jobs it receives without keeping them. It prints the two
// addresses, then, on SIGINT or SIGTERM, the counts.
//
//	go run ./internal/cmd/printeremu -addr-file /tmp/emu.addr
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/dadanhq/dadan/printer/printertest"
)

func main() {
	addrFile := flag.String("addr-file", "", "also write the two addresses, one per line, to this file")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	zpl, err := printertest.New(&printertest.Options{CountOnly: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	escpos, err := printertest.New(&printertest.Options{Language: printertest.ESCPOS, CountOnly: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	addrs := zpl.Addr() + "\n" + escpos.Addr() + "\n"
	fmt.Print(addrs)
	if *addrFile != "" {
		if err := os.WriteFile(*addrFile, []byte(addrs), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	zr, zp := zpl.Counts()
	er, ep := escpos.Counts()
	fmt.Printf("zpl: %d received, %d printed; escpos: %d received, %d printed\n", zr, zp, er, ep)
	zpl.Close()
	escpos.Close()
}
