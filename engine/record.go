package engine

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"sort"
)

// recordVersion starts every project and run record; see docs/format/keys.md.
const recordVersion = 1

func encodeProject(p Project) ([]byte, error) {
	js, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode project %q: %w", p.Name, err)
	}
	return append([]byte{recordVersion}, js...), nil
}

func decodeProject(v []byte) (Project, error) {
	var p Project
	if len(v) == 0 || v[0] != recordVersion {
		return p, fmt.Errorf("decode project: version: %w", ErrCorrupt)
	}
	if err := json.Unmarshal(v[1:], &p); err != nil {
		return p, fmt.Errorf("decode project: %w: %w", ErrCorrupt, err)
	}
	return p, nil
}

// runMeta is the JSON part of a run record: the run without its summary
// (whose values may be NaN, which JSON cannot carry) and the engine's own
// bookkeeping.
type runMeta struct {
	Run
	FirstTime   *float64 `json:"first_time,omitempty"`
	WALFloor    uint64   `json:"wal_floor"`
	Incarnation uint64   `json:"incarnation"`
	WriteGen    uint64   `json:"write_gen"` // absent, so 0, before December 2026
}

// encodeRun encodes the run record: version, uvarint length of the JSON
// part, the JSON part, then the summary (see appendSummaries). The caller
// holds rs.mu.
func (rs *runState) encodeRun() ([]byte, error) {
	m := runMeta{Run: rs.meta, WALFloor: rs.walFloorNow(), Incarnation: rs.incarnation,
		WriteGen: rs.writeGen}
	m.Summary = nil
	if !math.IsNaN(rs.firstTime) {
		ft := rs.firstTime
		m.FirstTime = &ft
	}
	js, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode run %s/%s: %w", rs.project, rs.id, err)
	}
	v := append([]byte{recordVersion}, binary.AppendUvarint(nil, uint64(len(js)))...)
	v = append(v, js...)
	return rs.appendSummaries(v), nil
}

// appendSummaries appends uvarint n, then per series: uvarint key length,
// key, varint step, last, min and max as little-endian float64 bits.
func (rs *runState) appendSummaries(v []byte) []byte {
	keys := make([]string, 0, len(rs.series))
	for k, s := range rs.series {
		if s.sum.has {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	v = binary.AppendUvarint(v, uint64(len(keys)))
	for _, k := range keys {
		s := rs.series[k].sum
		v = binary.AppendUvarint(v, uint64(len(k)))
		v = append(v, k...)
		v = binary.AppendVarint(v, s.Step)
		for _, f := range [3]float64{s.Last, s.Min, s.Max} {
			v = binary.LittleEndian.AppendUint64(v, math.Float64bits(f))
		}
	}
	return v
}

// decodeRun rebuilds a run's state from its record.
func decodeRun(v []byte) (*runState, error) {
	if len(v) == 0 || v[0] != recordVersion {
		return nil, fmt.Errorf("decode run: version: %w", ErrCorrupt)
	}
	n, k := binary.Uvarint(v[1:])
	if k <= 0 || uint64(len(v)-1-k) < n {
		return nil, fmt.Errorf("decode run: length: %w", ErrCorrupt)
	}
	var m runMeta
	if err := json.Unmarshal(v[1+k:1+k+int(n)], &m); err != nil {
		return nil, fmt.Errorf("decode run: %w: %w", ErrCorrupt, err)
	}
	rs := newRunState(m.Run)
	rs.walFloor, rs.nextSeq = m.WALFloor, m.WALFloor
	rs.incarnation = m.Incarnation
	// The count goes on from the record's; see runState.writeGen for why
	// that is safe after a crash too.
	rs.writeGen = m.WriteGen
	if m.FirstTime != nil {
		rs.firstTime = *m.FirstTime
	}
	if err := rs.decodeSummaries(v[1+k+int(n):]); err != nil {
		return nil, fmt.Errorf("decode run %s/%s: %w", m.Project, m.ID, err)
	}
	return rs, nil
}

func (rs *runState) decodeSummaries(v []byte) error {
	n, k := binary.Uvarint(v)
	if k <= 0 {
		return fmt.Errorf("summary count: %w", ErrCorrupt)
	}
	v = v[k:]
	for range n {
		l, k := binary.Uvarint(v)
		if k <= 0 || uint64(len(v)-k) < l {
			return fmt.Errorf("summary key: %w", ErrCorrupt)
		}
		key := string(v[k : k+int(l)])
		v = v[k+int(l):]
		step, k := binary.Varint(v)
		if k <= 0 || len(v)-k < 24 {
			return fmt.Errorf("summary of %q: %w", key, ErrCorrupt)
		}
		v = v[k:]
		s := rs.storedSeries(key)
		s.sum = summary{has: true, MetricSummary: MetricSummary{
			Step: step,
			Last: math.Float64frombits(binary.LittleEndian.Uint64(v)),
			Min:  math.Float64frombits(binary.LittleEndian.Uint64(v[8:])),
			Max:  math.Float64frombits(binary.LittleEndian.Uint64(v[16:])),
		}}
		v = v[24:]
	}
	return nil
}
