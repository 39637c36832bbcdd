package query

import (
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// WriteArrow writes the series of a chart answer as an Arrow IPC stream in
// long form, one record batch per series: run and key (strings), x, y
// (float64), step (int64) and, with smoothing, smoothed_y. Groups are not
// part of the stream.
func (r *ChartResult) WriteArrow(w io.Writer) error {
	fields := []arrow.Field{
		{Name: "run", Type: arrow.BinaryTypes.String},
		{Name: "key", Type: arrow.BinaryTypes.String},
		{Name: "x", Type: arrow.PrimitiveTypes.Float64},
		{Name: "y", Type: arrow.PrimitiveTypes.Float64},
		{Name: "step", Type: arrow.PrimitiveTypes.Int64},
	}
	smoothed := len(r.Series) > 0 && r.Series[0].Smoothed != nil
	if smoothed {
		fields = append(fields, arrow.Field{Name: "smoothed_y", Type: arrow.PrimitiveTypes.Float64})
	}
	schema := arrow.NewSchema(fields, nil)
	iw := ipc.NewWriter(w, ipc.WithSchema(schema), ipc.WithAllocator(memory.NewGoAllocator()))
	for i := range r.Series {
		rec := seriesRecord(schema, &r.Series[i], smoothed)
		err := iw.Write(rec)
		rec.Release()
		if err != nil {
			return fmt.Errorf("write arrow: %w", err)
		}
	}
	return iw.Close()
}

// seriesRecord returns the record batch of one series. Its columns are
// built over the series' own slices rather than through array builders,
// which append a point at a time: x, y and smoothed_y share the answer's
// memory, and run and key repeat one string n times.
func seriesRecord(schema *arrow.Schema, s *Series, smoothed bool) arrow.RecordBatch {
	n := len(s.X)
	steps := s.Steps
	if steps == nil {
		steps = make([]int64, n)
		for j, x := range s.X {
			steps[j] = int64(x)
		}
	}
	cols := []arrow.Array{repeatString(s.Run, n), repeatString(s.Key, n),
		float64Array(s.X), float64Array(s.Y), int64Array(steps)}
	if smoothed {
		cols = append(cols, float64Array(s.Smoothed))
	}
	rec := array.NewRecordBatch(schema, cols, int64(n))
	for _, c := range cols {
		c.Release() // the record holds its own references
	}
	return rec
}

// repeatString returns a utf8 array of n copies of v.
func repeatString(v string, n int) arrow.Array {
	offsets := make([]int32, n+1)
	for j := range offsets {
		offsets[j] = int32(j * len(v))
	}
	data := []byte(strings.Repeat(v, n))
	d := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{nil,
		memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offsets)),
		memory.NewBufferBytes(data)}, nil, 0, 0)
	defer d.Release()
	return array.NewStringData(d)
}

// float64Array returns a float64 array over vs, without copying it.
func float64Array(vs []float64) arrow.Array {
	d := array.NewData(arrow.PrimitiveTypes.Float64, len(vs), []*memory.Buffer{nil,
		memory.NewBufferBytes(arrow.Float64Traits.CastToBytes(vs))}, nil, 0, 0)
	defer d.Release()
	return array.NewFloat64Data(d)
}

// int64Array returns an int64 array over vs, without copying it.
func int64Array(vs []int64) arrow.Array {
	d := array.NewData(arrow.PrimitiveTypes.Int64, len(vs), []*memory.Buffer{nil,
		memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(vs))}, nil, 0, 0)
	defer d.Release()
	return array.NewInt64Data(d)
}
