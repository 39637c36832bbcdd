package stores

import (
	"errors"
	"fmt"
	"time"

	"github.com/sextant-ml/sextant/engine"

	"github.com/sextant-ml/sextant/bench/workload"
)

// SextantName names Sextant's engine in the results table.
const SextantName = "Sextant engine"

// Project is the project that benchmarks write their runs to.
const Project = "bench"

// sextantEngine writes through engine.DB.Append, which acknowledges a batch
// once it is durable. Each row also writes the _timestamp and _runtime series
// that the engine keeps for every row; they are stored, and so counted in the
// size on disk, but not in the points.
type sextantEngine struct {
	db *engine.DB
}

// OpenSextant opens Sextant's engine on dir and creates the bench project.
func OpenSextant(dir string) (Store, error) {
	db, err := engine.Open(engine.Options{Dir: dir})
	if err != nil {
		return nil, fmt.Errorf("open engine: %w", err)
	}
	p := engine.Project{Name: Project, Owner: "bench", Visibility: "private",
		Created: time.Now()}
	if err := db.CreateProject(p); err != nil {
		return nil, errors.Join(fmt.Errorf("create project: %w", err), db.Close())
	}
	return &sextantEngine{db: db}, nil
}

func (s *sextantEngine) Name() string { return SextantName }

func (s *sextantEngine) CreateRuns(ids []string) error {
	for _, id := range ids {
		r := engine.Run{Project: Project, ID: id, Name: id, State: engine.StateRunning}
		if _, err := s.db.CreateRun(r); err != nil {
			return fmt.Errorf("create run %s: %w", id, err)
		}
	}
	return nil
}

func (s *sextantEngine) Append(b workload.Batch) error {
	metrics := make([]engine.Metric, 0, b.Points())
	rows := make([]engine.Row, len(b.Rows))
	for i, row := range b.Rows {
		start := len(metrics)
		for j, key := range row.Keys {
			metrics = append(metrics, engine.Metric{Key: key, Value: row.Values[j]})
		}
		end := len(metrics)
		rows[i] = engine.Row{Step: row.Step, Time: row.Time, Metrics: metrics[start:end:end]}
	}
	if _, err := s.db.Append(Project, b.Run, rows); err != nil {
		return fmt.Errorf("engine append: %w", err)
	}
	return nil
}

func (s *sextantEngine) Close() error { return s.db.Close() }

// TransientPaths names the engine's write-ahead log: after a clean Close
// every head is sealed into blocks, so what the log still holds is repeated
// there.
func (s *sextantEngine) TransientPaths() []string { return []string{"wal"} }
