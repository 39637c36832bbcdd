package query

import (
	"bufio"
	"encoding/binary"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The history writers stream: they hold one window of rows at a time (see
// windowPoints) whatever the size of the export, and write to w as they
// go. An error after the first byte leaves the output cut short; callers
// that answer HTTP requests can only drop the connection then.

// WriteHistoryCSV writes a header `_step,KEY,...` and one line per step
// that any key has; an absent value is an empty field, non-finite values
// are NaN, Infinity and -Infinity.
func WriteHistoryCSV(w io.Writer, src Source, q HistoryQuery) error {
	if err := q.validate(); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(append([]string{"_step"}, q.Keys...)); err != nil {
		return err
	}
	h := newHistoryReader(src, q)
	record := make([]string, len(q.Keys)+1)
	var buf []byte
	for {
		ok, err := h.next()
		if err != nil || !ok {
			cw.Flush()
			if err == nil {
				err = cw.Error()
			}
			return err
		}
		for i, step := range h.steps {
			buf = strconv.AppendInt(buf[:0], step, 10)
			for k := range q.Keys {
				if h.has[k][i] {
					buf = append(buf, 0)
					buf = appendPlainFloat(buf, h.vals[k][i])
				} else {
					buf = append(buf, 0)
				}
			}
			splitFields(record, buf)
			if err := cw.Write(record); err != nil {
				return err
			}
		}
	}
}

// splitFields cuts a NUL-separated line into record's fields.
func splitFields(record []string, line []byte) {
	k := 0
	start := 0
	for i, c := range line {
		if c == 0 {
			record[k] = string(line[start:i])
			k++
			start = i + 1
		}
	}
	record[k] = string(line[start:])
}

// appendPlainFloat formats v for CSV: shortest round-trip form, or NaN,
// Infinity, -Infinity.
func appendPlainFloat(dst []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(dst, "NaN"...)
	case math.IsInf(v, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(v, -1):
		return append(dst, "-Infinity"...)
	}
	return strconv.AppendFloat(dst, v, 'g', -1, 64)
}

// WriteHistoryJSON writes {"steps": [...], "columns": {"KEY": [...]}} with
// null where a key has no point at a step and non-finite values as
// strings. The object is column-major, so it is written in 1 + len(Keys)
// passes over the history; the steps of the first pass are kept in a
// temporary file (varint deltas), not in memory, for the later ones.
func WriteHistoryJSON(w io.Writer, src Source, q HistoryQuery) (err error) {
	if err := q.validate(); err != nil {
		return err
	}
	tmp, err := os.CreateTemp("", "sextant-steps-*")
	if err != nil {
		return fmt.Errorf("export history: %w", err)
	}
	defer func() {
		if cerr := tmp.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("export history: %w", cerr)
		}
		if rerr := os.Remove(tmp.Name()); err == nil && rerr != nil {
			err = fmt.Errorf("export history: %w", rerr)
		}
	}()

	out := &spool{w: w}
	if err := writeSteps(out, &spool{w: tmp}, src, q); err != nil {
		return err
	}
	out.buf = append(out.buf, `,"columns":{`...)
	for k, key := range q.Keys {
		if k > 0 {
			out.buf = append(out.buf, ',')
		}
		out.buf = append(appendString(out.buf, key), ':')
		if err := writeColumn(out, tmp, src, q, key); err != nil {
			return err
		}
	}
	out.buf = append(out.buf, "}}"...)
	return out.flush()
}

// spoolSize is how much a spool gathers before it writes.
const spoolSize = 64 << 10

// spool gathers output in buf and writes it on in pieces of about
// spoolSize bytes; the first write error sticks.
type spool struct {
	w   io.Writer
	buf []byte
	err error
}

// full writes buf on once it holds spoolSize bytes.
func (s *spool) full() error {
	if len(s.buf) < spoolSize {
		return s.err
	}
	return s.flush()
}

func (s *spool) flush() error {
	if s.err == nil && len(s.buf) > 0 {
		_, s.err = s.w.Write(s.buf)
		s.buf = s.buf[:0]
	}
	return s.err
}

// writeSteps writes {"steps":[...] to out and the steps, as varint deltas,
// to steps.
func writeSteps(out, steps *spool, src Source, q HistoryQuery) error {
	out.buf = append(out.buf, `{"steps":[`...)
	h := newHistoryReader(src, q)
	first, prev := true, int64(0)
	for {
		ok, err := h.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		for _, s := range h.steps {
			if !first {
				out.buf = append(out.buf, ',')
			}
			out.buf = strconv.AppendInt(out.buf, s, 10)
			steps.buf = binary.AppendUvarint(steps.buf, uint64(s-prev))
			first, prev = false, s
		}
		if err := out.full(); err != nil {
			return err
		}
		if err := steps.full(); err != nil {
			return fmt.Errorf("export history: %w", err)
		}
	}
	out.buf = append(out.buf, ']')
	if err := steps.flush(); err != nil {
		return fmt.Errorf("export history: %w", err)
	}
	return nil
}

// writeColumn writes one key's array, aligned with the steps in tmp.
func writeColumn(out *spool, tmp *os.File, src Source, q HistoryQuery, key string) error {
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("export history: %w", err)
	}
	steps := bufio.NewReader(tmp)
	one := q
	one.Keys = []string{key}
	h := newHistoryReader(src, one)
	first, prev := true, int64(0)
	comma := func() {
		if !first {
			out.buf = append(out.buf, ',')
		}
		first = false
	}
	out.buf = append(out.buf, '[')
	for {
		ok, err := h.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		for i, s := range h.steps {
			for {
				d, err := binary.ReadUvarint(steps)
				if err != nil {
					return fmt.Errorf("export history: steps file: %w", err)
				}
				prev += int64(d)
				if prev == s {
					break
				}
				comma()
				out.buf = append(out.buf, "null"...)
			}
			comma()
			out.buf = appendFloat(out.buf, h.vals[0][i])
		}
		if err := out.full(); err != nil {
			return err
		}
	}
	for {
		if _, err := binary.ReadUvarint(steps); err != nil {
			break
		}
		comma()
		out.buf = append(out.buf, "null"...)
	}
	out.buf = append(out.buf, ']')
	return out.full()
}

// WriteHistoryArrow writes an Arrow IPC stream with an int64 column _step
// and a nullable float64 column per key, one record batch per window.
func WriteHistoryArrow(w io.Writer, src Source, q HistoryQuery) error {
	if err := q.validate(); err != nil {
		return err
	}
	fields := []arrow.Field{{Name: "_step", Type: arrow.PrimitiveTypes.Int64}}
	for _, k := range q.Keys {
		fields = append(fields, arrow.Field{Name: k, Type: arrow.PrimitiveTypes.Float64,
			Nullable: true})
	}
	schema := arrow.NewSchema(fields, nil)
	mem := memory.NewGoAllocator()
	iw := ipc.NewWriter(w, ipc.WithSchema(schema), ipc.WithAllocator(mem))
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	h := newHistoryReader(src, q)
	for {
		ok, err := h.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		b.Field(0).(*array.Int64Builder).AppendValues(h.steps, nil)
		for k := range q.Keys {
			b.Field(k+1).(*array.Float64Builder).AppendValues(h.vals[k], h.has[k])
		}
		rec := b.NewRecordBatch()
		err = iw.Write(rec)
		rec.Release()
		if err != nil {
			return fmt.Errorf("write arrow: %w", err)
		}
	}
	return iw.Close()
}
