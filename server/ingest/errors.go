package ingest

import (
	"errors"
	"fmt"

	"github.com/sextant-ml/sextant/engine"
)

// ErrTooManyRows is wrapped by the error of a batch of more rows than
// allowed.
var ErrTooManyRows = errors.New("too many rows")

// Error is a refused batch. Its message says where (the row, as rows[i] or
// the NDJSON line, and the key) and what; it wraps engine.ErrInvalid or
// ErrTooManyRows.
type Error struct {
	msg  string
	kind error
}

func (e *Error) Error() string { return e.msg }

func (e *Error) Unwrap() error { return e.kind }

// where names the current row for messages.
func (p *Parser) where() string {
	switch {
	case p.format == FormatNDJSON:
		return fmt.Sprintf("line %d", p.sc.line)
	case len(p.rows) > 0:
		return fmt.Sprintf("rows[%d]", len(p.rows)-1)
	}
	return fmt.Sprintf("byte %d", p.sc.pos)
}

// errorf reports a problem with the value of key (or the row, when key is
// empty) of the current row.
func (p *Parser) errorf(key, format string, args ...any) error {
	msg := p.where()
	if key != "" {
		msg += fmt.Sprintf(": key %q", key)
	}
	msg += ": " + fmt.Sprintf(format, args...)
	return &Error{msg: msg, kind: engine.ErrInvalid}
}

// syntax reports malformed JSON, unless err is already an *Error.
func (p *Parser) syntax(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	msg := fmt.Sprintf("%s: malformed JSON at byte %d: %v", p.where(), p.sc.pos, err)
	return &Error{msg: msg, kind: engine.ErrInvalid}
}
