package workspace

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// tokenBytes is the entropy of a share token.
const tokenBytes = 32

// Share is a view-only link to one report. The store keeps the SHA-256 of
// its token, never the token.
type Share struct {
	Project   string    `json:"project"`
	Report    string    `json:"report"`
	CreatedBy string    `json:"created_by"`
	Created   time.Time `json:"created"`
}

// CreateShare makes a new share link to a report of project and returns
// its token: 32 random bytes, URL-safe base64 without padding.
func (s *Store) CreateShare(project, report, user string) (string, error) {
	var raw [tokenBytes]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("share token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	hash := tokenHash(token)
	sh := Share{Project: project, Report: report, CreatedBy: user, Created: s.now().UTC()}
	err := s.db.Update(func(txn *badger.Txn) error {
		if err := mustExist(txn, reportKey(project, report), "report"); err != nil {
			return err
		}
		if err := putRecord(txn, tokenKey(hash), &sh); err != nil {
			return err
		}
		return txn.Set(shareIndexKey(project, report, hash), nil)
	})
	if err != nil {
		return "", fmt.Errorf("share report %q: %w", report, err)
	}
	return token, nil
}

// Share returns what token links to; ErrNotFound when it was never made
// or was revoked.
func (s *Store) Share(token string) (Share, error) {
	var sh Share
	err := s.db.View(func(txn *badger.Txn) error {
		return getRecord(txn, tokenKey(tokenHash(token)), &sh)
	})
	if err != nil {
		return Share{}, fmt.Errorf("share link: %w", err)
	}
	return sh, nil
}

// RevokeShare deletes the share link token of a report; ErrNotFound when
// token is not a live link to that report.
func (s *Store) RevokeShare(project, report, token string) error {
	hash := tokenHash(token)
	err := s.db.Update(func(txn *badger.Txn) error {
		var sh Share
		err := getRecord(txn, tokenKey(hash), &sh)
		if err == nil && (sh.Project != project || sh.Report != report) {
			err = ErrNotFound
		}
		if err != nil {
			return err
		}
		return errors.Join(txn.Delete(tokenKey(hash)),
			txn.Delete(shareIndexKey(project, report, hash)))
	})
	if err != nil {
		return fmt.Errorf("revoke share link of report %q: %w", report, err)
	}
	return nil
}
