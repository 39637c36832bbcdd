package engine

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sync"
	"unsafe"
)

// batch is one Append call in columnar form: steps and times per row, the
// distinct keys of the batch, and per point a key index and a value. Append
// fills it from rows, replay from a write-ahead record; apply reads it.
type batch struct {
	steps  []int64
	times  []float64
	counts []int32 // points per row
	keys   []string
	ptKey  []int32
	values []float64
	index  map[string]int32
	pos    []int32 // key index by position in the previous row
	wal    []byte
	series []*series // per key, resolved under the run lock

	// dense says every row holds every key of the batch, in the order of
	// b.keys: apply then adds the batch key by key instead of point by
	// point.
	dense bool
	col   []float64 // one key's values, gathered by apply
	// posMixed counts the places j where pos[j] is not j.
	posMixed int
}

var batchPool = sync.Pool{New: func() any {
	return &batch{index: make(map[string]int32)}
}}

func getBatch() *batch { return batchPool.Get().(*batch) }

func putBatch(b *batch) {
	b.steps, b.times, b.counts = b.steps[:0], b.times[:0], b.counts[:0]
	b.keys, b.ptKey, b.values = b.keys[:0], b.ptKey[:0], b.values[:0]
	b.pos, b.wal, b.series = b.pos[:0], b.wal[:0], b.series[:0]
	b.col, b.dense, b.posMixed = b.col[:0], false, 0
	clear(b.index)
	batchPool.Put(b)
}

// fill validates rows and copies them into b. Rows whose step is negative
// keep it, to be resolved under the run lock; a NaN time becomes now.
func (b *batch) fill(rows []Row, now float64) error {
	total := 0
	for i := range rows {
		total += len(rows[i].Metrics)
	}
	ptKey := slices.Grow(b.ptKey[:0], total)[:total]
	values := slices.Grow(b.values[:0], total)[:total]
	b.steps, b.times = slices.Grow(b.steps, len(rows)), slices.Grow(b.times, len(rows))
	b.counts = slices.Grow(b.counts, len(rows))
	dense := true
	p := 0
	for i := range rows {
		r := &rows[i]
		if err := validateRow(r); err != nil {
			return fmt.Errorf("row %d: %w", i, err)
		}
		t := r.Time
		if math.IsNaN(t) {
			t = now
		}
		b.steps, b.times = append(b.steps, r.Step), append(b.times, t)
		ms := r.Metrics
		n := len(ms)
		b.counts = append(b.counts, int32(n))
		pk, vs := ptKey[p:p+n], values[p:p+n]
		p += n
		// Most rows repeat the keys of the previous row, in its order.
		j := 0
		if n <= len(b.pos) {
			pos, keys := b.pos[:n], b.keys
			for ; j < n; j++ {
				k := pos[j]
				if !sameString(keys[k], ms[j].Key) {
					break
				}
				pk[j], vs[j] = k, ms[j].Value
			}
			dense = dense && j == n && b.posMixed == 0
		}
		for ; j < n; j++ {
			k, err := b.keyIndex(j, ms[j].Key)
			if err != nil {
				return fmt.Errorf("row %d: %w", i, err)
			}
			pk[j], vs[j] = k, ms[j].Value
			dense = dense && k == int32(j)
		}
	}
	b.ptKey, b.values = ptKey, values
	for _, n := range b.counts {
		dense = dense && int(n) == len(b.keys)
	}
	b.dense = dense
	return nil
}

// sameString compares strings, first by their bytes' address: the keys of
// a batch are usually the same strings row after row.
func sameString(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

// keyIndex returns the batch index of the key at position j of a row.
// Rows of a batch nearly always repeat the keys of the previous row in the
// same order, so fill first compares with the key at the same place and
// calls keyIndex only when that fails.
func (b *batch) keyIndex(j int, key string) (int32, error) {
	k, ok := b.index[key]
	if !ok {
		if err := validateKey(key); err != nil {
			return 0, err
		}
		k = int32(len(b.keys))
		b.keys = append(b.keys, key)
		b.index[key] = k
	}
	for len(b.pos) <= j {
		b.pos = append(b.pos, int32(len(b.pos)))
	}
	if b.pos[j] != int32(j) {
		b.posMixed--
	}
	if k != int32(j) {
		b.posMixed++
	}
	b.pos[j] = k
	return k, nil
}

// resolveSteps gives rows with a negative step the run's last step + 1,
// counting rows before them in the batch, and returns the new last step.
func (b *batch) resolveSteps(last int64) (int64, error) {
	for i, s := range b.steps {
		if s < 0 {
			if last == math.MaxInt64 {
				return 0, fmt.Errorf("row %d: step: past the largest step: %w", i, ErrInvalid)
			}
			s = last + 1
			b.steps[i] = s
		}
		last = max(last, s)
	}
	return last, nil
}

// walVersion starts every write-ahead record; see docs/format/wal.md.
const walVersion = 1

// walHeader names the run and sequence of a write-ahead record.
type walHeader struct {
	project, run string
	incarnation  uint64
	seq          uint64
}

// encodeWAL sets b.wal to the write-ahead record of b: version, project and
// run (uvarint length, bytes), incarnation (8 bytes), uvarint seq, uvarint
// key count, keys (uvarint length, bytes), uvarint row count, then per row
// uvarint step, time as float64 bits, uvarint point count and per point
// uvarint key index and value as float64 bits. Fixed-width fields are
// little-endian; docs/format/wal.md draws it.
func (b *batch) encodeWAL(h walHeader) {
	size := 32 + len(h.project) + len(h.run) + 20*len(b.steps) + 10*len(b.values)
	for _, k := range b.keys {
		size += len(k) + 2
	}
	w := append(slices.Grow(b.wal[:0], size), walVersion)
	w = binary.AppendUvarint(w, uint64(len(h.project)))
	w = append(w, h.project...)
	w = binary.AppendUvarint(w, uint64(len(h.run)))
	w = append(w, h.run...)
	w = binary.LittleEndian.AppendUint64(w, h.incarnation)
	w = binary.AppendUvarint(w, h.seq)
	w = binary.AppendUvarint(w, uint64(len(b.keys)))
	for _, k := range b.keys {
		w = binary.AppendUvarint(w, uint64(len(k)))
		w = append(w, k...)
	}
	w = binary.AppendUvarint(w, uint64(len(b.steps)))
	// Points are written in place into room made for their longest form.
	const maxPoint = binary.MaxVarintLen32 + 8
	w = slices.Grow(w, len(b.steps)*(2*binary.MaxVarintLen64+8)+len(b.values)*maxPoint)
	p := 0
	for i, step := range b.steps {
		w = binary.AppendUvarint(w, uint64(step))
		w = binary.LittleEndian.AppendUint64(w, math.Float64bits(b.times[i]))
		w = binary.AppendUvarint(w, uint64(b.counts[i]))
		n := int(b.counts[i])
		o := len(w)
		w = w[:o+n*maxPoint]
		for j, k := range b.ptKey[p : p+n] {
			if k < 0x80 {
				w[o] = byte(k)
				o++
			} else {
				o += binary.PutUvarint(w[o:], uint64(k))
			}
			binary.LittleEndian.PutUint64(w[o:], math.Float64bits(b.values[p+j]))
			o += 8
		}
		w = w[:o]
		p += n
	}
	b.wal = w
}

// decodeWALHeader reads the header of a write-ahead record and returns it
// with the rest of the record.
func decodeWALHeader(w []byte) (walHeader, []byte, error) {
	d := decoder{buf: w}
	if d.byte() != walVersion {
		return walHeader{}, nil, fmt.Errorf("decode wal record: version: %w", ErrCorrupt)
	}
	var h walHeader
	h.project = string(d.bytes(d.uvarint()))
	h.run = string(d.bytes(d.uvarint()))
	if inc := d.bytes(8); inc != nil {
		h.incarnation = binary.LittleEndian.Uint64(inc)
	}
	h.seq = d.uvarint()
	if d.err {
		return h, nil, fmt.Errorf("decode wal record header: %w", ErrCorrupt)
	}
	return h, d.buf, nil
}

// decodeWAL fills b from the rest of a write-ahead record after its header.
func (b *batch) decodeWAL(w []byte) error {
	d := decoder{buf: w}
	nkeys := d.uvarint()
	for range min(nkeys, uint64(len(w))) {
		k := d.bytes(d.uvarint())
		b.keys = append(b.keys, string(k))
	}
	nrows := d.uvarint()
	for range min(nrows, uint64(len(w))) {
		b.steps = append(b.steps, int64(d.uvarint()))
		b.times = append(b.times, d.float())
		n := d.uvarint()
		b.counts = append(b.counts, int32(n))
		for range min(n, uint64(len(w))) {
			k := d.uvarint()
			if k >= nkeys {
				d.err = true
			}
			b.ptKey, b.values = append(b.ptKey, int32(k)), append(b.values, d.float())
		}
	}
	if d.err || len(d.buf) != 0 {
		return fmt.Errorf("decode wal record: %w", ErrCorrupt)
	}
	return nil
}

// decoder reads the fields of a record, remembering the first error.
type decoder struct {
	buf []byte
	err bool
}

func (d *decoder) byte() byte {
	if len(d.buf) < 1 {
		d.err = true
		return 0
	}
	c := d.buf[0]
	d.buf = d.buf[1:]
	return c
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.err, d.buf = true, nil
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) bytes(n uint64) []byte {
	if uint64(len(d.buf)) < n {
		d.err, d.buf = true, nil
		return nil
	}
	v := d.buf[:n]
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) float() float64 {
	v := d.bytes(8)
	if v == nil {
		return 0
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(v))
}
