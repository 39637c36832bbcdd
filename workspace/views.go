package workspace

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// View is a saved view: a named copy of a layout, several per project,
// that any member may create and edit.
type View struct {
	// ID is chosen by the store on creation.
	ID string `json:"id"`
	// Name is what the view list shows.
	Name string `json:"name"`
	// Spec is the saved layout.
	Spec Spec `json:"spec"`
	// CreatedBy is the user who created the view; UpdatedBy the last to
	// change it.
	CreatedBy string    `json:"created_by"`
	UpdatedBy string    `json:"updated_by"`
	Created   time.Time `json:"created"`
	Updated   time.Time `json:"updated"`
}

// MaxViews bounds the saved views of one project.
const MaxViews = 1000

func (v *View) validate() error {
	if err := checkName("name", v.Name); err != nil {
		return err
	}
	return v.Spec.Validate()
}

// CreateView stores v as a new view of project, by user, and returns it
// with its id and times set.
func (s *Store) CreateView(project, user string, v View) (View, error) {
	now := s.now().UTC()
	v.ID, v.CreatedBy, v.UpdatedBy, v.Created, v.Updated = newID(), user, user, now, now
	if err := v.validate(); err != nil {
		return View{}, err
	}
	err := s.db.Update(func(txn *badger.Txn) error {
		if n := countKeys(txn, makeKey(kindView, project)); n >= MaxViews {
			return invalid("name", "project has %d views already, the most allowed", n)
		}
		return putRecord(txn, viewKey(project, v.ID), &v)
	})
	if err != nil {
		return View{}, fmt.Errorf("create view: %w", err)
	}
	return v, nil
}

// View returns one view, or ErrNotFound.
func (s *Store) View(project, id string) (View, error) {
	var v View
	err := s.db.View(func(txn *badger.Txn) error {
		return getRecord(txn, viewKey(project, id), &v)
	})
	if err != nil {
		return View{}, fmt.Errorf("view %q: %w", id, err)
	}
	return v, nil
}

// Views lists the views of project by name.
func (s *Store) Views(project string) ([]View, error) {
	views := []View{}
	err := s.db.View(func(txn *badger.Txn) error {
		return listRecords(txn, makeKey(kindView, project), func(b []byte) error {
			var v View
			if err := decodeRecord(b, &v); err != nil {
				return err
			}
			views = append(views, v)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list views: %w", err)
	}
	slices.SortFunc(views, func(a, b View) int {
		return strings.Compare(a.Name+"\x00"+a.ID, b.Name+"\x00"+b.ID)
	})
	return views, nil
}

// UpdateView replaces the name and spec of a view, by user. since, when
// not zero, is the Updated of the view the change was made from: if the
// view was saved after it, nothing is written and the error wraps
// ErrSavedSince, so that two members editing one view do not silently
// overwrite each other.
func (s *Store) UpdateView(project, id, user, name string, spec Spec,
	since time.Time) (View, error) {
	var v View
	err := s.db.Update(func(txn *badger.Txn) error {
		if err := getRecord(txn, viewKey(project, id), &v); err != nil {
			return err
		}
		if err := checkSince(since, v.Updated, v.UpdatedBy); err != nil {
			return err
		}
		v.Name, v.Spec, v.UpdatedBy, v.Updated = name, spec, user, s.now().UTC()
		if err := v.validate(); err != nil {
			return err
		}
		return putRecord(txn, viewKey(project, id), &v)
	})
	if err != nil {
		return View{}, fmt.Errorf("view %q: %w", id, err)
	}
	return v, nil
}

// DeleteView removes a view; ErrNotFound when there is none.
func (s *Store) DeleteView(project, id string) error {
	err := s.db.Update(func(txn *badger.Txn) error {
		key := viewKey(project, id)
		if err := mustExist(txn, key, "view"); err != nil {
			return err
		}
		return txn.Delete(key)
	})
	if err != nil {
		return fmt.Errorf("delete view %q: %w", id, err)
	}
	return nil
}

// countKeys counts the keys under prefix without reading values.
func countKeys(txn *badger.Txn, prefix []byte) int {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	n := 0
	for it.Rewind(); it.Valid(); it.Next() {
		n++
	}
	return n
}

// checkSince refuses a change made from the version of a view or report
// saved at since when the stored one, saved at updated by by, is another.
// A zero since asks for no check.
func checkSince(since, updated time.Time, by string) error {
	if since.IsZero() || since.Equal(updated) {
		return nil
	}
	return fmt.Errorf("the change was made from the version of %s, and %s saved it at %s: "+
		"reload it and apply the change again: %w", since.UTC().Format(time.RFC3339Nano), by,
		updated.Format(time.RFC3339Nano), ErrSavedSince)
}
