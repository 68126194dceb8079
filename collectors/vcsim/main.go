// Command evcalc-vcsim serves a `govc object.save` directory over the vSphere SOAP API with
// govmomi's simulator library (what `vcsim -load DIR` does), for testing evcalc's collectors.
//
// Debian ships the library (golang-github-vmware-govmomi-dev) but no vcsim binary; this main
// builds offline in GOPATH mode:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o evcalc-vcsim ./collectors/vcsim
//
// Usage: evcalc-vcsim -load DIR [-listen 127.0.0.1:0]
// It prints one line, `URL https://user:pass@127.0.0.1:PORT/sdk`, when it is ready, and serves
// until it is killed (SIGINT/SIGTERM). Read-only clients only: the simulator keeps changes in
// memory and never writes to DIR.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/vmware/govmomi/simulator"
)

func main() {
	load := flag.String("load", "", "a `govc object.save` directory")
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on (port 0: any free port)")
	flag.Parse()
	if *load == "" {
		fmt.Fprintln(os.Stderr, "evcalc-vcsim: -load DIR is required")
		os.Exit(2)
	}
	model := simulator.VPX()
	if err := model.Load(*load); err != nil {
		fmt.Fprintf(os.Stderr, "evcalc-vcsim: cannot load %s: %v\n", *load, err)
		os.Exit(1)
	}
	model.Service.TLS = new(tls.Config)
	model.Service.Listen = &url.URL{Host: *listen}
	server := model.Service.NewServer()
	// One line for the caller to read; the default login is user:pass.
	fmt.Printf("URL %s\n", server.URL.String())
	os.Stdout.Sync()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	server.Close()
}
