package workspace

import (
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// DefaultOwner is the owner under which a project's default workspace, the
// newcomers' layout, is stored. No user has an empty name.
const DefaultOwner = ""

// Workspace is one user's layout of one project as it now stands.
type Workspace struct {
	// Owner is the user whose workspace it is; DefaultOwner for the
	// project's default workspace.
	Owner string `json:"owner"`
	// Revision counts the changes so far; a save must name it.
	Revision uint64 `json:"revision"`
	// Spec is the layout at the current revision.
	Spec Spec `json:"spec"`
	// CanUndo and CanRedo tell whether Undo and Redo have a step to take.
	CanUndo bool `json:"can_undo"`
	CanRedo bool `json:"can_redo"`
	// Updated is the time of the last change.
	Updated time.Time `json:"updated"`
}

// Workspace returns the workspace of owner in project, or ErrNotFound when
// it was never saved.
func (s *Store) Workspace(project, owner string) (Workspace, error) {
	var w Workspace
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		w, err = loadWorkspace(txn, project, owner)
		return err
	})
	return w, wrapWorkspace(err, project, owner)
}

// Ensure returns the workspace of owner, first saving init's spec as its
// revision 1 when it has none. init runs outside any transaction.
func (s *Store) Ensure(project, owner string, init func() (Spec, error)) (Workspace, error) {
	w, err := s.Workspace(project, owner)
	if !errors.Is(err, ErrNotFound) {
		return w, err
	}
	spec, err := init()
	if err != nil {
		return Workspace{}, err
	}
	err = s.retry(func(txn *badger.Txn) error {
		h, err := loadHead(txn, project, owner)
		if err != nil || h.exists() {
			return err
		}
		_, err = s.commit(txn, project, owner, h, spec)
		return err
	})
	if err != nil {
		return Workspace{}, wrapWorkspace(err, project, owner)
	}
	return s.Workspace(project, owner)
}

// Save stores spec as the next revision of owner's workspace, dropping the
// undone revisions after the current one. revision must be the current
// revision (0 for a workspace never saved), or Save returns an error
// wrapping ErrStaleRevision and changes nothing. Of two concurrent saves
// of the same revision exactly one succeeds.
func (s *Store) Save(project, owner string, revision uint64, spec Spec) (Workspace, error) {
	var w Workspace
	err := s.db.Update(func(txn *badger.Txn) error {
		h, err := loadHead(txn, project, owner)
		if err != nil {
			return err
		}
		if h.revision != revision {
			return fmt.Errorf("revision %d is not the current revision %d: %w",
				revision, h.revision, ErrStaleRevision)
		}
		w, err = s.commit(txn, project, owner, h, spec)
		return err
	})
	if errors.Is(err, badger.ErrConflict) {
		err = fmt.Errorf("revision %d was saved concurrently: %w", revision, ErrStaleRevision)
	}
	return w, wrapWorkspace(err, project, owner)
}

// Replace stores spec as the next revision whatever the current one is:
// one undoable step, as when a user copies a teammate's workspace.
func (s *Store) Replace(project, owner string, spec Spec) (Workspace, error) {
	var w Workspace
	err := s.retry(func(txn *badger.Txn) error {
		h, err := loadHead(txn, project, owner)
		if err != nil {
			return err
		}
		w, err = s.commit(txn, project, owner, h, spec)
		return err
	})
	return w, wrapWorkspace(err, project, owner)
}

// Undo makes the revision before the current one current again, as a new
// revision; ErrNothingToUndo when the current one is the oldest kept.
func (s *Store) Undo(project, owner string) (Workspace, error) {
	return s.step(project, owner, -1)
}

// Redo makes the revision that the last Undo left current again, as a new
// revision; ErrNothingToRedo when a save dropped it or none was undone.
func (s *Store) Redo(project, owner string) (Workspace, error) {
	return s.step(project, owner, +1)
}

// step moves the current entry by dir, one way or the other.
func (s *Store) step(project, owner string, dir int) (Workspace, error) {
	var w Workspace
	err := s.retry(func(txn *badger.Txn) error {
		h, err := loadHead(txn, project, owner)
		switch {
		case err != nil:
			return err
		case !h.exists():
			return ErrNotFound
		case dir < 0 && h.pos == h.first:
			return ErrNothingToUndo
		case dir > 0 && h.pos == h.last:
			return ErrNothingToRedo
		}
		if dir < 0 {
			h.pos--
		} else {
			h.pos++
		}
		h.revision++
		h.updated = s.now()
		if err := txn.Set(headKey(project, owner), appendHead(nil, h)); err != nil {
			return fmt.Errorf("set head: %w", err)
		}
		w, err = loadEntry(txn, project, owner, h)
		return err
	})
	return w, wrapWorkspace(err, project, owner)
}

// commit writes spec as the entry after h.pos, drops the entries after it
// and the oldest ones past the history bound, and writes the new head.
func (s *Store) commit(txn *badger.Txn, project, owner string, h head,
	spec Spec) (Workspace, error) {
	if err := spec.Validate(); err != nil {
		return Workspace{}, err
	}
	data, err := spec.Encode()
	if err != nil {
		return Workspace{}, err
	}
	if !h.exists() {
		h = head{first: 1, pos: 0, last: 0}
	}
	for seq := h.pos + 1; seq <= h.last; seq++ {
		if err := txn.Delete(revisionKey(project, owner, seq)); err != nil {
			return Workspace{}, fmt.Errorf("drop redo entry %d: %w", seq, err)
		}
	}
	h.pos++
	h.last = h.pos
	h.revision++
	h.updated = s.now()
	entry := append([]byte{formatV1}, data...)
	if err := txn.Set(revisionKey(project, owner, h.pos), entry); err != nil {
		return Workspace{}, fmt.Errorf("set entry %d: %w", h.pos, err)
	}
	for ; h.last-h.first+1 > s.history; h.first++ {
		if err := txn.Delete(revisionKey(project, owner, h.first)); err != nil {
			return Workspace{}, fmt.Errorf("drop old entry %d: %w", h.first, err)
		}
	}
	if err := txn.Set(headKey(project, owner), appendHead(nil, h)); err != nil {
		return Workspace{}, fmt.Errorf("set head: %w", err)
	}
	return workspaceAt(owner, h, spec), nil
}

// loadHead returns the head of a workspace, the zero head when it was
// never saved.
func loadHead(txn *badger.Txn, project, owner string) (head, error) {
	b, err := getValue(txn, headKey(project, owner))
	if errors.Is(err, ErrNotFound) {
		return head{}, nil
	}
	if err != nil {
		return head{}, err
	}
	return decodeHead(b)
}

func loadWorkspace(txn *badger.Txn, project, owner string) (Workspace, error) {
	h, err := loadHead(txn, project, owner)
	if err != nil {
		return Workspace{}, err
	}
	if !h.exists() {
		return Workspace{}, ErrNotFound
	}
	return loadEntry(txn, project, owner, h)
}

// loadEntry returns the workspace with the spec of entry h.pos, migrated
// to the current version when it was stored by an older one.
func loadEntry(txn *badger.Txn, project, owner string, h head) (Workspace, error) {
	b, err := getValue(txn, revisionKey(project, owner, h.pos))
	if errors.Is(err, ErrNotFound) {
		return Workspace{}, fmt.Errorf("entry %d of the head is missing: %w", h.pos, ErrCorrupt)
	}
	if err != nil {
		return Workspace{}, err
	}
	if len(b) == 0 || b[0] != formatV1 {
		return Workspace{}, fmt.Errorf("entry %d: format byte: %w", h.pos, ErrCorrupt)
	}
	spec, err := Decode(b[1:])
	if err != nil {
		return Workspace{}, fmt.Errorf("entry %d: %w: %s", h.pos, ErrCorrupt, err.Error())
	}
	return workspaceAt(owner, h, spec), nil
}

func workspaceAt(owner string, h head, spec Spec) Workspace {
	return Workspace{
		Owner: owner, Revision: h.revision, Spec: spec,
		CanUndo: h.pos > h.first, CanRedo: h.pos < h.last, Updated: h.updated,
	}
}

// wrapWorkspace adds which workspace an error is about.
func wrapWorkspace(err error, project, owner string) error {
	if err == nil {
		return nil
	}
	if owner == DefaultOwner {
		return fmt.Errorf("default workspace of project %q: %w", project, err)
	}
	return fmt.Errorf("workspace of %q in project %q: %w", owner, project, err)
}

// Owners lists the users who have a workspace in project, by name; the
// default workspace is not among them.
func (s *Store) Owners(project string) ([]string, error) {
	prefix := makeKey(kindHead, project)
	owners := []string{}
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			owner, ok := readString(it.Item().Key()[len(prefix):])
			if !ok {
				return fmt.Errorf("workspace key %q: %w", it.Item().Key(), ErrCorrupt)
			}
			if owner != DefaultOwner {
				owners = append(owners, owner)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list workspaces of project %q: %w", project, err)
	}
	return owners, nil
}
