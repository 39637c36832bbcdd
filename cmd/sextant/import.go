package main

import (
	"context"
	"errors"
	"log/slog"
)

// runImport is a stub: the clients helper replaces this file.
func runImport(ctx context.Context, args []string, log *slog.Logger) error {
	return errors.New("not implemented")
}
