// kcpgo-peer: a kcp-go 5.6.1 server and client speaking the small request protocol of
// PROTOCOL.md, for interop tests against kcp-java.
package main

import (
	"fmt"
	"os"
)

const usage = `usage: kcpgo-peer server [flags]   (prints LISTENING addr=HOST:PORT)
       kcpgo-peer client --remote HOST:PORT --op echo|upload|download|ping [flags]
       kcpgo-peer server|client -h   (all flags)
`

func main() {
	if len(os.Args) < 2 || (os.Args[1] != "server" && os.Args[1] != "client") {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	o, err := parseOptions(os.Args[1], os.Args[2:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "kcpgo-peer: %v\n", err)
		os.Exit(2)
	}
	if o.role == "client" {
		os.Exit(runClient(o))
	}
	if err := runServer(o); err != nil {
		fmt.Fprintf(os.Stderr, "kcpgo-peer server: %v\n", err)
		os.Exit(1)
	}
}
