package main

import (
	"context"
	"errors"
	"log/slog"
)

// runDemo is a stub: the UI helper replaces this file.
func runDemo(ctx context.Context, args []string, log *slog.Logger) error {
	return errors.New("not implemented")
}
