// Command evcalc-vcsim serves a `govc object.save` directory over the vSphere SOAP API with
// govmomi's simulator library (what `vcsim -load DIR` does), for testing evcalc's collectors.
//
// Debian ships the library (golang-github-vmware-govmomi-dev) but no vcsim binary; this main
// builds offline in GOPATH mode:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o evcalc-vcsim ./collectors/vcsim
//
// Usage: evcalc-vcsim -load DIR [-listen 127.0.0.1:0] [-govc-shape OUT]
// It prints one line, `URL https://user:pass@127.0.0.1:PORT/sdk`, when it is ready, and serves
// until it is killed (SIGINT/SIGTERM). Read-only clients only: the simulator keeps changes in
// memory and never writes to DIR.
//
// With -govc-shape OUT it instead writes, into OUT, what the govc commands of
// collectors/collect-govc.sh print for the loaded inventory — computed the way govc's
// `object.collect -json` computes it (a property filter, one WaitForUpdatesEx round, each
// ObjectUpdate — or, without -type, the ChangeSet — marshalled with encoding/json) with this
// govmomi's types — and exits. No govc binary exists on Debian; these files are the fixtures
// collect-govc.sh --from DIR is tested with.
package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/types"
)

// The properties collect-govc.sh asks for (keep in step with it).
var (
	resourcePaths = []string{"name", "summary"}
	hostPaths     = []string{"name", "parent", "runtime.connectionState", "config.product",
		"summary.currentEVCModeKey", "summary.maxEVCModeKey", "summary.hardware.cpuModel",
		"config.featureCapability", "config.maskedFeatureCapability", "hardware.cpuPkg", "hardware.biosInfo"}
	vmPaths = []string{"name", "config.version", "config.guestId", "runtime.host", "runtime.powerState",
		"runtime.featureRequirement", "runtime.offlineFeatureRequirement", "runtime.featureMask",
		"runtime.minRequiredEVCModeKey"}
)

// updates runs one WaitForUpdatesEx round of a filter and returns its object updates.
func updates(ctx context.Context, c *vim25.Client, filter *property.WaitFilter) ([]types.ObjectUpdate, error) {
	var out []types.ObjectUpdate
	err := property.WaitForUpdates(ctx, property.DefaultCollector(c), filter, func(u []types.ObjectUpdate) bool {
		out = append(out, u...)
		return true
	})
	return out, err
}

func write(dir, name string, values ...interface{}) error {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return err
	}
	defer f.Close()
	for _, v := range values {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if _, err = f.Write(append(b, '\n')); err != nil {
			return err
		}
	}
	return nil
}

// govcShape writes about.json, capability.json (`govc object.collect -json - PROP`: the change
// set) and resources.json, hosts.json, vms.json (`govc object.collect -json -type T / PROPS...`:
// one object update per line).
func govcShape(u *url.URL, dir string) error {
	ctx := context.Background()
	client, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		return err
	}
	c := client.Client
	for name, prop := range map[string]string{"about.json": "content.about", "capability.json": "capability"} {
		ups, err := updates(ctx, c, new(property.WaitFilter).Add(vim25.ServiceInstance, "ServiceInstance", []string{prop}))
		if err != nil {
			return err
		}
		var set []types.PropertyChange
		for _, up := range ups {
			set = append(set, up.ChangeSet...)
		}
		if err = write(dir, name, set); err != nil {
			return err
		}
	}
	for _, t := range []struct {
		file, kind string
		paths      []string
	}{
		{"resources.json", "ComputeResource", resourcePaths},
		{"hosts.json", "HostSystem", hostPaths},
		{"vms.json", "VirtualMachine", vmPaths},
	} {
		v, err := view.NewManager(c).CreateContainerView(ctx, c.ServiceContent.RootFolder, []string{t.kind}, true)
		if err != nil {
			return err
		}
		ups, err := updates(ctx, c, new(property.WaitFilter).Add(v.Reference(), t.kind, t.paths, v.TraversalSpec()))
		_ = v.Destroy(ctx)
		if err != nil {
			return err
		}
		values := make([]interface{}, len(ups))
		for i := range ups {
			values[i] = ups[i]
		}
		if err = write(dir, t.file, values...); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	load := flag.String("load", "", "a `govc object.save` directory")
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on (port 0: any free port)")
	shape := flag.String("govc-shape", "", "write govc's object.collect -json output into this directory and exit")
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
	if *shape != "" {
		err := govcShape(server.URL, *shape)
		server.Close()
		if err != nil {
			fmt.Fprintf(os.Stderr, "evcalc-vcsim: -govc-shape: %v\n", err)
			os.Exit(1)
		}
		return
	}
	// One line for the caller to read; the default login is user:pass.
	fmt.Printf("URL %s\n", server.URL.String())
	os.Stdout.Sync()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	server.Close()
}
