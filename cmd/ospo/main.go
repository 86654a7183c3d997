// Command ospo is an open source program office in one binary.
package main

import (
	"context"
	"os"
	"os/signal"

	"ospo/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
