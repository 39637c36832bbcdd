package workspace

import (
	"errors"
	"fmt"

	"github.com/sextant-ml/sextant/engine"
)

// Errors of the package. ErrInvalid, ErrNotFound and ErrCorrupt are the
// engine's, so that the server answers them as it answers the engine's.
var (
	// ErrInvalid: a spec, view or report breaks a documented rule; the
	// wrapping message names the field.
	ErrInvalid = engine.ErrInvalid
	// ErrNotFound: no such workspace, view, report or share link.
	ErrNotFound = engine.ErrNotFound
	// ErrCorrupt: a stored record does not decode.
	ErrCorrupt = engine.ErrCorrupt
	// ErrConflict: the change lost a race or the history has no step in
	// the asked direction. Every error below wraps it.
	ErrConflict = errors.New("conflict")
	// ErrStaleRevision: a save named a revision that is not current.
	ErrStaleRevision = fmt.Errorf("stale revision: %w", ErrConflict)
	// ErrNothingToUndo: the current revision is the oldest one kept.
	ErrNothingToUndo = fmt.Errorf("nothing to undo: %w", ErrConflict)
	// ErrNothingToRedo: no undone revision follows the current one.
	ErrNothingToRedo = fmt.Errorf("nothing to redo: %w", ErrConflict)
	// ErrSavedSince: a change to a view or report named the version it
	// was made from (its updated time), and another save came after it.
	ErrSavedSince = fmt.Errorf("saved since: %w", ErrConflict)
)
