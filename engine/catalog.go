package engine

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// CreateProject stores a new project; ErrExists when the name is taken.
// Visibility defaults to "private" and Created to now.
func (db *DB) CreateProject(p Project) error {
	if err := db.enter(); err != nil {
		return err
	}
	defer db.leave()
	if err := validateID("project name", p.Name); err != nil {
		return err
	}
	switch p.Visibility {
	case "":
		p.Visibility = "private"
	case "private", "public":
	default:
		return fmt.Errorf("visibility %q: want private or public: %w", p.Visibility, ErrInvalid)
	}
	if p.Created.IsZero() {
		p.Created = time.Now().UTC()
	}

	db.createMu.Lock()
	defer db.createMu.Unlock()
	if _, err := db.project(p.Name); err == nil {
		return fmt.Errorf("project %q: %w", p.Name, ErrExists)
	}
	v, err := encodeProject(p)
	if err != nil {
		return err
	}
	if err := db.put(projectKey(p.Name), v); err != nil {
		return err
	}
	db.mu.Lock()
	db.projects[p.Name] = newProjectState(p)
	db.mu.Unlock()
	return nil
}

func newProjectState(p Project) *projectState {
	return &projectState{meta: p, runs: make(map[string]*runState), keys: make(map[string]int)}
}

func (db *DB) put(key, value []byte) error {
	err := db.bdb.Update(func(txn *badger.Txn) error { return txn.Set(key, value) })
	if err != nil {
		return fmt.Errorf("write %q: %w", key, err)
	}
	return nil
}

// project returns the state of a project or ErrNotFound.
func (db *DB) project(name string) (*projectState, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	p, ok := db.projects[name]
	if !ok {
		return nil, fmt.Errorf("project %q: %w", name, ErrNotFound)
	}
	return p, nil
}

// Project returns the named project or ErrNotFound.
func (db *DB) Project(name string) (Project, error) {
	if err := db.enter(); err != nil {
		return Project{}, err
	}
	defer db.leave()
	p, err := db.project(name)
	if err != nil {
		return Project{}, err
	}
	return p.meta, nil
}

// Projects lists every project, by name.
func (db *DB) Projects() ([]Project, error) {
	if err := db.enter(); err != nil {
		return nil, err
	}
	defer db.leave()
	db.mu.RLock()
	defer db.mu.RUnlock()
	out := make([]Project, 0, len(db.projects))
	for _, p := range db.projects {
		out = append(out, p.meta)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// CreateRun stores a new run, generating its ID when empty; ErrExists when
// the ID is taken. State defaults to running, Created and Heartbeat to now;
// LastStep starts at -1 and Summary empty, whatever r holds.
func (db *DB) CreateRun(r Run) (Run, error) {
	if err := db.enter(); err != nil {
		return Run{}, err
	}
	defer db.leave()
	if err := prepareRun(&r); err != nil {
		return Run{}, err
	}

	db.createMu.Lock()
	defer db.createMu.Unlock()
	p, err := db.project(r.Project)
	if err != nil {
		return Run{}, err
	}
	if r.ID == "" {
		r.ID = db.freshRunID(p)
	} else if _, taken := db.lookupIn(p, r.ID); taken {
		return Run{}, fmt.Errorf("run %q of project %q: %w", r.ID, r.Project, ErrExists)
	}
	rs := newRunState(r)
	rs.proj = p
	rs.incarnation = randomUint64()
	if err := db.persistRun(rs); err != nil {
		return Run{}, err
	}
	db.mu.Lock()
	p.runs[r.ID] = rs
	p.order = append(p.order, rs)
	db.mu.Unlock()
	db.stats.runs.Add(1)
	return *rs.snapshot(), nil
}

// prepareRun validates a new run and fills its defaults.
func prepareRun(r *Run) error {
	if err := validateID("project name", r.Project); err != nil {
		return err
	}
	if r.ID != "" {
		if err := validateID("run id", r.ID); err != nil {
			return err
		}
	}
	if r.State == "" {
		r.State = StateRunning
	}
	if err := validateState(r.State); err != nil {
		return err
	}
	if r.Created.IsZero() {
		r.Created = time.Now().UTC()
	}
	if r.Tags == nil {
		r.Tags = []string{}
	}
	if r.Config == nil {
		r.Config = map[string]any{}
	}
	r.Heartbeat, r.LastStep, r.Summary = r.Created, -1, nil
	return nil
}

// runIDAlphabet holds the characters of generated run ids: lowercase, so
// that ids read well in URLs and file names.
const runIDAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// freshRunID returns an unused random id of 8 characters (41 bits).
func (db *DB) freshRunID(p *projectState) string {
	for {
		var b [8]byte
		rand.Read(b[:])
		for i := range b {
			b[i] = runIDAlphabet[int(b[i])%len(runIDAlphabet)]
		}
		if _, taken := db.lookupIn(p, string(b[:])); !taken {
			return string(b[:])
		}
	}
}

func randomUint64() uint64 {
	var b [8]byte
	rand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:])
}

func (db *DB) lookupIn(p *projectState, id string) (*runState, bool) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	rs, ok := p.runs[id]
	return rs, ok
}

// lookupRun returns the state of a run or ErrNotFound.
func (db *DB) lookupRun(project, id string) (*runState, error) {
	p, err := db.project(project)
	if err != nil {
		return nil, err
	}
	rs, ok := db.lookupIn(p, id)
	if !ok {
		return nil, fmt.Errorf("run %q of project %q: %w", id, project, ErrNotFound)
	}
	return rs, nil
}

// persistRun writes the run record. Callers serialize the writes of one run
// (rs.sealMu or creation), so that an older record never overwrites a newer.
func (db *DB) persistRun(rs *runState) error {
	rs.mu.Lock()
	v, err := rs.encodeRun()
	rs.mu.Unlock()
	if err != nil {
		return err
	}
	return db.put(runKey(rs.project, rs.id), v)
}

// UpdateRun applies p to a run and returns the run as it now stands. A
// run set to a state other than running has its heads sealed at once.
func (db *DB) UpdateRun(project, id string, p RunPatch) (Run, error) {
	if err := db.enter(); err != nil {
		return Run{}, err
	}
	defer db.leave()
	if p.State != nil {
		if err := validateState(*p.State); err != nil {
			return Run{}, err
		}
	}
	rs, err := db.lookupRun(project, id)
	if err != nil {
		return Run{}, err
	}

	if err := db.patchRun(rs, p); err != nil {
		return Run{}, err
	}
	if p.State != nil && *p.State != StateRunning {
		// A run that stopped writes no more: free its heads now.
		if err := db.sealRun(rs, sealAll, 0); err != nil {
			return Run{}, err
		}
	}
	return *rs.snapshot(), nil
}

// patchRun applies p and persists the run record, under rs.sealMu so that
// record writes of the run stay in order.
func (db *DB) patchRun(rs *runState, p RunPatch) error {
	rs.sealMu.Lock()
	defer rs.sealMu.Unlock()
	rs.mu.Lock()
	if rs.deleted {
		rs.mu.Unlock()
		return fmt.Errorf("run %q of project %q: %w", rs.id, rs.project, ErrNotFound)
	}
	rs.patch(p)
	rs.mu.Unlock()
	return db.persistRun(rs)
}

// patch applies p; the caller holds rs.mu.
func (rs *runState) patch(p RunPatch) {
	m := &rs.meta
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&m.Name, p.Name)
	set(&m.Group, p.Group)
	set(&m.JobType, p.JobType)
	set(&m.Notes, p.Notes)
	set(&m.State, p.State)
	if p.Tags != nil {
		m.Tags = slices.Clone(*p.Tags)
	}
	if p.Config != nil {
		cfg := maps.Clone(m.Config)
		if cfg == nil {
			cfg = make(map[string]any, len(p.Config))
		}
		maps.Copy(cfg, p.Config)
		m.Config = cfg
	}
	rs.touch()
}

// Run returns one run, summary included. The run is a shared snapshot: the
// caller must not modify it.
func (db *DB) Run(project, id string) (*Run, error) {
	if err := db.enter(); err != nil {
		return nil, err
	}
	defer db.leave()
	rs, err := db.lookupRun(project, id)
	if err != nil {
		return nil, err
	}
	return rs.snapshot(), nil
}

// Runs returns every run of a project, in creation order. The runs are
// shared snapshots: the caller must not modify them.
func (db *DB) Runs(project string) ([]*Run, error) {
	if err := db.enter(); err != nil {
		return nil, err
	}
	defer db.leave()
	p, err := db.project(project)
	if err != nil {
		return nil, err
	}
	db.mu.RLock()
	order := p.order
	db.mu.RUnlock()
	out := make([]*Run, len(order))
	for i, rs := range order {
		out[i] = rs.snapshot()
	}
	return out, nil
}

// DeleteRun removes a run and all its history, freeing the space: its keys
// are dropped from Badger's tables, not only marked deleted, its blocks are
// deleted from the BlockStore once no Scan reads them, and its records in
// the write-ahead log are skipped from now on and removed with their
// segments.
func (db *DB) DeleteRun(project, id string) error {
	if err := db.enter(); err != nil {
		return err
	}
	defer db.leave()
	db.createMu.Lock()
	defer db.createMu.Unlock()
	rs, err := db.lookupRun(project, id)
	if err != nil {
		return err
	}

	rs.mu.Lock()
	rs.deleted = true
	rs.mu.Unlock()
	rs.sealMu.Lock()
	defer rs.sealMu.Unlock()
	db.forget(rs)

	// Stores written by earlier engines hold e/k records too.
	err = db.bdb.DropPrefix(runPrefix(prefixSummary, project, id),
		runPrefix(prefixKey, project, id))
	if err != nil {
		return fmt.Errorf("delete run %s/%s: %w", project, id, err)
	}
	err = db.bdb.Update(func(txn *badger.Txn) error { return txn.Delete(runKey(project, id)) })
	if err != nil {
		return fmt.Errorf("delete run %s/%s: %w", project, id, err)
	}
	if err := db.dropBlocks(rs); err != nil {
		return fmt.Errorf("delete run %s/%s: %w", project, id, err)
	}
	return nil
}

// prefixDropper is a BlockStore that deletes every block under a prefix at
// once and frees their space now, as Badger's DropPrefix does.
type prefixDropper interface {
	DropPrefix(prefix string) error
}

// dropBlocks deletes every block of a deleted run, after its summaries are
// gone, so that no crash leaves a summary without its block. Blocks that
// an open Scan may still read are retired instead, and go when it ends.
// Views of a deleted run are no longer opened.
func (db *DB) dropBlocks(rs *runState) error {
	prefix := string(runPrefix(prefixBlock, rs.project, rs.id))
	rs.mu.Lock()
	reading := len(rs.views) > 0
	rs.mu.Unlock()
	if d, ok := db.blocks.(prefixDropper); ok && !reading {
		return d.DropPrefix(prefix)
	}

	var keys []string
	err := db.blocks.List(prefix,
		func(key string) error {
			keys = append(keys, key)
			return nil
		})
	if err != nil {
		return fmt.Errorf("list blocks: %w", err)
	}
	rs.mu.Lock()
	rs.retire(keys)
	rs.mu.Unlock()
	return db.collect(rs)
}

// forget removes a run from the catalogue in memory.
func (db *DB) forget(rs *runState) {
	db.mu.Lock()
	p := db.projects[rs.project]
	delete(p.runs, rs.id)
	p.order = slices.DeleteFunc(slices.Clone(p.order), func(x *runState) bool { return x == rs })
	db.mu.Unlock()

	rs.mu.Lock()
	db.stats.headPoints.Add(-int64(rs.unsealed))
	keys := slices.Collect(maps.Keys(rs.series))
	rs.mu.Unlock()
	p.dropKeys(keys)
	db.stats.runs.Add(-1)
}

// addKeys counts metric keys new to a run in the project's key union.
func (p *projectState) addKeys(keys []string) {
	p.keysMu.Lock()
	defer p.keysMu.Unlock()
	for _, k := range keys {
		if k != KeyTimestamp && k != KeyRuntime {
			p.keys[k]++
		}
	}
}

func (p *projectState) dropKeys(keys []string) {
	p.keysMu.Lock()
	defer p.keysMu.Unlock()
	for _, k := range keys {
		if p.keys[k]--; p.keys[k] <= 0 {
			delete(p.keys, k)
		}
	}
}
