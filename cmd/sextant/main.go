// Command sextant runs the Sextant server and its tools:
//
//	sextant serve   [--data DIR] [--addr HOST:PORT]   the HTTP server
//	sextant demo    ...                                 a server with demo runs
//	sextant import  ...                                 import TensorBoard or MLflow logs
//
// Run "sextant COMMAND -h" for the flags of a command.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// commands maps a subcommand to the function that runs it with the
// remaining arguments.
var commands = map[string]func(ctx context.Context, args []string, log *slog.Logger) error{
	"serve":  runServe,
	"demo":   runDemo,
	"import": runImport,
}

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	cmd, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "sextant: unknown command %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	err := cmd(ctx, os.Args[2:], log)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "sextant %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `usage: sextant COMMAND [flags]

commands:
  serve    run the HTTP server (--data DIR, --addr HOST:PORT)
  demo     run the server with demo runs
  import   import TensorBoard event files or an MLflow mlruns folder
`)
}
