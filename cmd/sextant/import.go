package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/sextant-ml/sextant/client"
	"github.com/sextant-ml/sextant/client/importer"
)

const importUsage = `usage: sextant import tensorboard|mlflow [flags] DIR

  tensorboard DIR   every folder under DIR holding event files is a run,
                    named by its path below DIR; project: DIR's name
  mlflow DIR        an mlruns folder (or a folder holding one); each
                    experiment goes to the project of the same name

Rerunning an import replaces points instead of duplicating them.

flags:
`

// runImport sends TensorBoard or MLflow runs to a server over HTTP, with a
// progress bar on stderr. Unreadable records are listed at the end and make
// the command fail, after everything readable was imported.
func runImport(ctx context.Context, args []string, _ *slog.Logger) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	url := fs.String("url", "", "server URL (default $SEXTANT_URL, else "+client.DefaultURL+")")
	key := fs.String("key", "", "API key (default $SEXTANT_API_KEY)")
	project := fs.String("project", "", "put every run in this project")
	quiet := fs.Bool("quiet", false, "no progress bar")
	fs.Usage = func() {
		_, _ = fmt.Fprint(fs.Output(), importUsage)
		fs.PrintDefaults()
	}
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 2 {
		fs.Usage()
		return flag.ErrHelp
	}

	im := &importer.Importer{Client: client.New(*url, *key), Project: *project,
		Progress: os.Stderr}
	if *quiet {
		im.Progress = nil
	}
	kind, dir := positional[0], positional[1]
	report, err := runImporter(ctx, im, kind, dir)
	_, _ = fmt.Fprintf(os.Stderr, "imported %d runs, %d rows, %d points from %s into %s\n",
		report.Runs, report.Rows, report.Points, dir, im.Client.URL())
	if err != nil {
		return err
	}
	return report.Err()
}

func runImporter(ctx context.Context, im *importer.Importer, kind,
	dir string) (importer.Report, error) {
	switch kind {
	case "tensorboard", "tb":
		return im.TensorBoard(ctx, dir)
	case "mlflow":
		return im.MLflow(ctx, dir)
	}
	return importer.Report{}, fmt.Errorf("source %q: want tensorboard or mlflow", kind)
}

// parseInterspersed parses flags that may come before, between or after
// the positional arguments, and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("flags: %w", err)
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
