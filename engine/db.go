package engine

import "github.com/dgraph-io/badger/v4"

// DB is the metric store: the run catalogue, the heads and the sealed blocks,
// in one Badger database that the workspace and access layers share under
// their own key prefixes (see docs/format/keys.md).
type DB struct {
	bdb *badger.DB
}

// Open opens or creates the store described by opts, replaying whatever was
// acknowledged but not yet sealed.
func Open(opts Options) (*DB, error) { panic("engine.Open: not written yet") }

// Close seals every head, flushes and closes the store.
func (db *DB) Close() error { panic("not written yet") }

// Badger returns the underlying database for layers that keep their own
// records beside the metrics, under key prefixes the engine never uses.
func (db *DB) Badger() *badger.DB { return db.bdb }

// CreateProject stores a new project; ErrExists when the name is taken.
func (db *DB) CreateProject(p Project) error { panic("not written yet") }

// Project returns the named project or ErrNotFound.
func (db *DB) Project(name string) (Project, error) { panic("not written yet") }

// Projects lists every project, by name.
func (db *DB) Projects() ([]Project, error) { panic("not written yet") }

// CreateRun stores a new run, generating its ID when empty; ErrExists when
// the ID is taken.
func (db *DB) CreateRun(r Run) (Run, error) { panic("not written yet") }

// UpdateRun applies p to a run and returns the run as it now stands.
func (db *DB) UpdateRun(project, id string, p RunPatch) (Run, error) {
	panic("not written yet")
}

// Run returns one run, summary included.
func (db *DB) Run(project, id string) (*Run, error) { panic("not written yet") }

// Runs returns every run of a project. The runs are shared snapshots: the
// caller must not modify them.
func (db *DB) Runs(project string) ([]*Run, error) { panic("not written yet") }

// DeleteRun removes a run and all its history, freeing the space.
func (db *DB) DeleteRun(project, id string) error { panic("not written yet") }

// Append stores rows of a run and returns once every point is durable.
func (db *DB) Append(project, run string, rows []Row) (AppendResult, error) {
	panic("not written yet")
}

// Keys lists the series of a run, _timestamp and _runtime included, sorted.
func (db *DB) Keys(project, run string) ([]string, error) { panic("not written yet") }

// ProjectKeys lists the union of the metric keys of a project's runs, sorted.
func (db *DB) ProjectKeys(project string) ([]string, error) { panic("not written yet") }

// Read returns every point of a series with step in [minStep, maxStep].
func (db *DB) Read(project, run, key string, minStep, maxStep int64) (Points, error) {
	panic("not written yet")
}

// Scan hands fn the chunks of a series that intersect [minStep, maxStep], in
// increasing step, no two overlapping. A chunk may reach outside the range;
// the caller trims it.
func (db *DB) Scan(project, run, key string, minStep, maxStep int64,
	fn func(*Chunk) error) error {
	panic("not written yet")
}
