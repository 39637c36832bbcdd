package workspace

import (
	"errors"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"
)

// MaxReports bounds the reports of one project.
const MaxReports = 1000

// CreateReport stores r, checked and frozen by the caller, as a new report
// of project by user, and returns it with its id and times set.
func (s *Store) CreateReport(project, user string, r Report) (Report, error) {
	now := s.now().UTC()
	r.ID, r.CreatedBy, r.UpdatedBy, r.Created, r.Updated = newID(), user, user, now, now
	if err := r.Validate(); err != nil {
		return Report{}, err
	}
	err := s.db.Update(func(txn *badger.Txn) error {
		if n := countKeys(txn, makeKey(kindReport, project)); n >= MaxReports {
			return invalid("title", "project has %d reports already, the most allowed", n)
		}
		return putRecord(txn, reportKey(project, r.ID), &r)
	})
	if err != nil {
		return Report{}, fmt.Errorf("create report: %w", err)
	}
	return r, nil
}

// Report returns one report, or ErrNotFound.
func (s *Store) Report(project, id string) (Report, error) {
	var r Report
	err := s.db.View(func(txn *badger.Txn) error {
		return getRecord(txn, reportKey(project, id), &r)
	})
	if err != nil {
		return Report{}, fmt.Errorf("report %q: %w", id, err)
	}
	return r, nil
}

// Reports lists the reports of project, the most recently updated first.
func (s *Store) Reports(project string) ([]Report, error) {
	reports := []Report{}
	err := s.db.View(func(txn *badger.Txn) error {
		return listRecords(txn, makeKey(kindReport, project), func(b []byte) error {
			var r Report
			if err := decodeRecord(b, &r); err != nil {
				return err
			}
			reports = append(reports, r)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list reports: %w", err)
	}
	slices.SortStableFunc(reports, func(a, b Report) int { return b.Updated.Compare(a.Updated) })
	return reports, nil
}

// UpdateReport replaces the title, mode and blocks of a report with those
// of r, checked and frozen by the caller, by user. r.Updated, when not
// zero, is the Updated of the report the change was made from: if the
// report was saved after it, nothing is written and the error wraps
// ErrSavedSince.
func (s *Store) UpdateReport(project, id, user string, r Report) (Report, error) {
	var old Report
	err := s.db.Update(func(txn *badger.Txn) error {
		if err := getRecord(txn, reportKey(project, id), &old); err != nil {
			return err
		}
		if err := checkSince(r.Updated, old.Updated, old.UpdatedBy); err != nil {
			return err
		}
		r.ID, r.CreatedBy, r.Created = old.ID, old.CreatedBy, old.Created
		r.UpdatedBy, r.Updated = user, s.now().UTC()
		if err := r.Validate(); err != nil {
			return err
		}
		return putRecord(txn, reportKey(project, id), &r)
	})
	if err != nil {
		return Report{}, fmt.Errorf("report %q: %w", id, err)
	}
	return r, nil
}

// DeleteReport removes a report and revokes its share links.
func (s *Store) DeleteReport(project, id string) error {
	err := s.db.Update(func(txn *badger.Txn) error {
		key := reportKey(project, id)
		if err := mustExist(txn, key, "report"); err != nil {
			return err
		}
		if err := txn.Delete(key); err != nil {
			return fmt.Errorf("delete report: %w", err)
		}
		return revokeAll(txn, project, id)
	})
	if err != nil {
		return fmt.Errorf("delete report %q: %w", id, err)
	}
	return nil
}

// revokeAll deletes every share link of a report.
func revokeAll(txn *badger.Txn, project, report string) error {
	prefix := makeKey(kindShares, project, report)
	var hashes [][]byte
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	for it.Rewind(); it.Valid(); it.Next() {
		hashes = append(hashes, it.Item().KeyCopy(nil)[len(prefix):])
	}
	it.Close()
	var errs []error
	for _, h := range hashes {
		errs = append(errs, txn.Delete(tokenKey(h)), txn.Delete(shareIndexKey(project, report, h)))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("revoke share links: %w", err)
	}
	return nil
}
