// Command ospo is an open source program office in one binary.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"

	"ospo/internal/cli"
)

func main() {
	// A scan is short-lived and allocates mostly small records that stay
	// alive until the report is written; collecting less often trades a
	// few megabytes for a large share of the run time. GOGC still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
