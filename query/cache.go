package query

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"

	"github.com/sextant-ml/sextant/engine"
)

// cacheVersion changes whenever the answer's encoding or the key's shape
// does, so that a cache, kept in memory or saved to disk, never serves an
// old shape.
const cacheVersion = 4

// The formats of an answer, part of its cache key.
const (
	formatJSON  byte = 'j'
	formatArrow byte = 'a'
)

// ChartJSON answers a chart query as JSON appended to dst, from the cache
// when the same query was answered since the last write to its runs.
func (e *Engine) ChartJSON(dst []byte, project string, req ChartRequest) ([]byte, error) {
	a, err := e.Answer(dst, project, req, false)
	a.Remember()
	return a.Bytes, err
}

// ChartArrow answers a chart query as the Arrow IPC stream that
// ChartResult.WriteArrow writes, appended to dst, and caches it as ChartJSON
// does: a notebook that runs its cell again asks the same query.
func (e *Engine) ChartArrow(dst []byte, project string, req ChartRequest) ([]byte, error) {
	a, err := e.Answer(dst, project, req, true)
	a.Remember()
	return a.Bytes, err
}

// ChartAnswer is a chart query's answer, and the cache entry it makes
// when it was computed rather than found in the cache.
type ChartAnswer struct {
	// Bytes is the dst passed to Engine.Answer with the answer appended;
	// on an error, dst as it was.
	Bytes []byte

	e        *Engine
	key      []byte
	from     int // the answer's start in Bytes
	computed bool
}

// Remember puts a computed answer in the answer cache; it does nothing for
// an answer that came from the cache, or for an error. Copying a 10 MB
// answer into the cache and hashing it costs a few milliseconds, so the
// server sends the answer first and remembers it after. Bytes must not
// have changed in between.
func (a *ChartAnswer) Remember() {
	if !a.computed || a.key == nil {
		return
	}
	a.e.cache.SetBig(a.key, a.Bytes[a.from:])
	a.computed = false
}

// Answer answers a chart query as JSON (or as Arrow when arrow is set)
// appended to dst, from the cache when it can. A computed answer enters
// the cache only when its Remember is called.
func (e *Engine) Answer(dst []byte, project string, req ChartRequest,
	arrow bool) (ChartAnswer, error) {
	format := formatJSON
	if arrow {
		format = formatArrow
	}
	a := ChartAnswer{Bytes: dst, e: e, from: len(dst)}
	q, err := req.normalize()
	if err != nil {
		return a, err
	}
	runs, err := e.resolveRuns(project, q)
	if err != nil {
		return a, err
	}
	if e.cache != nil {
		a.key = cacheKey(project, q, runs, format)
		if a.key == nil {
			e.misses.Add(1)
		} else if out, ok := e.cached(dst, a.key); ok {
			e.hits.Add(1)
			a.Bytes = out
			return a, nil
		} else {
			e.misses.Add(1)
		}
	}
	res, err := e.chart(project, q, runs)
	if err != nil {
		return a, err
	}
	if arrow {
		w := bytes.NewBuffer(dst)
		if err := res.WriteArrow(w); err != nil {
			return a, err
		}
		a.Bytes = w.Bytes()
	} else {
		a.Bytes = res.AppendJSON(dst)
	}
	a.computed = true
	return a, nil
}

// cached appends the cached answer under key to dst. The answer is kept
// as it is: numbers with full float64 noise compress poorly (s2 took 9.7
// MB to 7.8 MB for 100 runs at width 1000, at the cost of 10 ms a hit).
func (e *Engine) cached(dst, key []byte) ([]byte, bool) {
	out := e.cache.GetBig(dst, key)
	return out, len(out) > len(dst)
}

// cacheKey names an answer by the normalized request and by what every run
// it reads has seen: its incarnation and write count, which name its points
// (engine.Run.WriteGen moves on every write, a rewritten point's included,
// and a run deleted and created again has another incarnation), and, as
// a second guard, its last step and the summaries of the keys drawn and of
// the x-axis. A grouping also depends on the label each run gets, which the
// key holds. It returns nil when the answer must not be cached.
//
// The key once held the heartbeat instead of the write count; the store
// moves it forward only, so a write at a wall clock time before it (a
// start time in the future, the log's replay setting it from the clients'
// row times, a clock set back) left the key as it was. The write count
// does not depend on the clock.
func cacheKey(project string, q ChartRequest, runs []*engine.Run, format byte) []byte {
	var label func(*engine.Run) []string
	if q.Grouping != nil {
		var err error
		if label, err = groupLabeler(q.Grouping.By); err != nil {
			return nil
		}
	}
	key := make([]byte, 0, 256+64*len(runs))
	key = append(key, cacheVersion, format)
	key = append(key, project...)
	key = append(key, 0)
	// JSON covers every field of the request, those added later included.
	req, _ := json.Marshal(q)
	key = appendKeyString(key, string(req))
	for _, r := range runs {
		key = append(key, 0)
		key = append(key, r.ID...)
		key = binary.LittleEndian.AppendUint64(key, r.Incarnation)
		key = binary.AppendUvarint(key, r.WriteGen)
		key = binary.AppendVarint(key, r.LastStep)
		for _, k := range q.Keys {
			key = appendSummary(key, r, k)
		}
		key = appendSummary(key, r, q.X)
		if label != nil {
			for _, l := range label(r) {
				key = appendKeyString(key, l)
			}
		}
	}
	return key
}

func appendKeyString(key []byte, s string) []byte {
	key = binary.AppendUvarint(key, uint64(len(s)))
	return append(key, s...)
}

func appendSummary(key []byte, r *engine.Run, k string) []byte {
	s, ok := r.Summary[k]
	if !ok {
		return append(key, 0)
	}
	key = append(key, 1)
	key = binary.AppendVarint(key, s.Step)
	key = binary.LittleEndian.AppendUint64(key, math.Float64bits(s.Last))
	key = binary.LittleEndian.AppendUint64(key, math.Float64bits(s.Min))
	return binary.LittleEndian.AppendUint64(key, math.Float64bits(s.Max))
}
