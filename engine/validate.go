package engine

import (
	"fmt"
	"math"
	"unicode/utf8"
)

// validateID checks a project name or run id: non-empty, at most MaxIDLen
// bytes of letters, digits, '-', '_', '.' and '~', and neither "." nor "..".
func validateID(field, id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%s: empty: %w", field, ErrInvalid)
	case len(id) > MaxIDLen:
		return fmt.Errorf("%s: %d bytes, over %d: %w", field, len(id), MaxIDLen, ErrInvalid)
	case id == "." || id == "..":
		return fmt.Errorf("%s %q: reserved: %w", field, id, ErrInvalid)
	}
	for i := 0; i < len(id); i++ {
		if !urlSafe(id[i]) {
			return fmt.Errorf("%s %q: character %q is not url-safe: %w",
				field, id, id[i], ErrInvalid)
		}
	}
	return nil
}

func urlSafe(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// validateKey checks a metric key of a history row.
func validateKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("key %q: empty metric key: %w", key, ErrInvalid)
	case len(key) > MaxKeyLen:
		return fmt.Errorf("key %q...: %d bytes, over %d: %w",
			key[:32], len(key), MaxKeyLen, ErrInvalid)
	case key == KeyStep || key == KeyTimestamp || key == KeyRuntime:
		return fmt.Errorf("key %q: reserved: %w", key, ErrInvalid)
	case !utf8.ValidString(key):
		return fmt.Errorf("key %q: not UTF-8: %w", key, ErrInvalid)
	}
	for _, r := range key {
		if r < 0x20 || r == 0x7f || 0x80 <= r && r < 0xa0 {
			return fmt.Errorf("key %q: control character %U: %w", key, r, ErrInvalid)
		}
	}
	return nil
}

func validateState(state string) error {
	switch state {
	case StateRunning, StateFinished, StateFailed, StateCrashed:
		return nil
	}
	return fmt.Errorf("state %q: want running, finished, failed or crashed: %w",
		state, ErrInvalid)
}

// validateRow checks the step and time of a row; keys are checked once per
// batch and key.
func validateRow(r *Row) error {
	if math.IsInf(r.Time, 0) {
		return fmt.Errorf("time %v: not finite: %w", r.Time, ErrInvalid)
	}
	return nil
}
