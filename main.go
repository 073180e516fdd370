// Command registry runs the Open Recognition Registry: the public registry of the Bologna Open
// Recognition Declaration, its command line and its web application.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], processEnv{}, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode prints an error and chooses the status: 2 for a usage error, 1 for anything else.
func exitCode(err error, stderr io.Writer) int {
	switch e := err.(type) {
	case nil:
		return 0
	case *usageError:
		fmt.Fprintln(stderr, "registry:", e.msg)
		fmt.Fprintln(stderr, e.usage)
		return 2
	case helpShown:
		return 0
	default:
		if msg, ok := describeImportError(err); ok {
			fmt.Fprintln(stderr, msg)
			return 1
		}
		fmt.Fprintln(stderr, "registry:", err)
		return 1
	}
}
