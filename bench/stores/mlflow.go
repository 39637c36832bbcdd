package stores

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"sync"

	_ "modernc.org/sqlite" // the pure Go SQLite driver, registered as "sqlite"

	"github.com/sextant-ml/sextant/bench/workload"
)

// MLflowName names the SQLite peer.
const MLflowName = "SQLite, MLflow schema"

// mlflowSchema is the metrics table of MLflow's SQL tracking store, with its
// primary key; a row per point, the wall time in milliseconds. MLflow stores
// a NaN as value 0 with is_nan set, and infinities as the largest finite
// float64 of their sign.
const mlflowSchema = `CREATE TABLE metrics (
	key VARCHAR(250) NOT NULL,
	value FLOAT NOT NULL,
	timestamp BIGINT NOT NULL,
	run_uuid VARCHAR(32) NOT NULL,
	step BIGINT DEFAULT '0' NOT NULL,
	is_nan BOOLEAN DEFAULT '0' NOT NULL,
	CONSTRAINT metric_pk PRIMARY KEY (key, timestamp, step, run_uuid, value, is_nan),
	CHECK (is_nan IN (0, 1))
)`

const mlflowInsert = `INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)
VALUES (?, ?, ?, ?, ?, ?)`

// mlflowSQLite writes a batch as one transaction of prepared inserts, as
// MLflow's log-batch does, into SQLite with its default journal (rollback,
// synchronous=FULL): a batch is acknowledged once it is on disk. SQLite has
// one writer at a time, so batches from several goroutines take turns.
type mlflowSQLite struct {
	db    *sql.DB
	mu    sync.Mutex
	uuids map[string]string
}

// OpenMLflowSQLite opens the SQLite peer in dir/mlflow.db.
func OpenMLflowSQLite(dir string) (Store, error) {
	db, err := sql.Open("sqlite", filepath.Join(dir, "mlflow.db"))
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(mlflowSchema); err != nil {
		return nil, errors.Join(fmt.Errorf("create metrics table: %w", err), db.Close())
	}
	return &mlflowSQLite{db: db, uuids: make(map[string]string)}, nil
}

func (s *mlflowSQLite) Name() string { return MLflowName }

// CreateRuns gives every run a 32-digit hex id, as MLflow's run_uuid.
func (s *mlflowSQLite) CreateRuns(ids []string) error {
	for _, id := range ids {
		sum := sha256.Sum256([]byte(id))
		s.uuids[id] = hex.EncodeToString(sum[:16])
	}
	return nil
}

func (s *mlflowSQLite) Append(b workload.Batch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.db.Begin()
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	stmt, err := tx.Prepare(mlflowInsert)
	if err != nil {
		return fmt.Errorf("prepare insert: %w", err)
	}
	uuid := s.uuids[b.Run]
	for _, row := range b.Rows {
		ms := int64(row.Time * 1000)
		for i, key := range row.Keys {
			v, isNaN := mlflowValue(row.Values[i])
			if _, err := stmt.Exec(key, v, ms, uuid, row.Step, isNaN); err != nil {
				return fmt.Errorf("insert metric: %w", err)
			}
		}
	}
	return tx.Commit()
}

func mlflowValue(v float64) (float64, bool) {
	switch {
	case math.IsNaN(v):
		return 0, true
	case math.IsInf(v, 1):
		return math.MaxFloat64, false
	case math.IsInf(v, -1):
		return -math.MaxFloat64, false
	}
	return v, false
}

func (s *mlflowSQLite) Close() error { return s.db.Close() }
