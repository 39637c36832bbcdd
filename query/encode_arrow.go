package query

import (
	"fmt"
	"io"

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
	mem := memory.NewGoAllocator()
	iw := ipc.NewWriter(w, ipc.WithSchema(schema), ipc.WithAllocator(mem))
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for i := range r.Series {
		s := &r.Series[i]
		runs, keys := b.Field(0).(*array.StringBuilder), b.Field(1).(*array.StringBuilder)
		steps := b.Field(4).(*array.Int64Builder)
		for j := range s.X {
			runs.Append(s.Run)
			keys.Append(s.Key)
			if s.Steps != nil {
				steps.Append(s.Steps[j])
			} else {
				steps.Append(int64(s.X[j]))
			}
		}
		b.Field(2).(*array.Float64Builder).AppendValues(s.X, nil)
		b.Field(3).(*array.Float64Builder).AppendValues(s.Y, nil)
		if smoothed {
			b.Field(5).(*array.Float64Builder).AppendValues(s.Smoothed, nil)
		}
		rec := b.NewRecordBatch()
		err := iw.Write(rec)
		rec.Release()
		if err != nil {
			return fmt.Errorf("write arrow: %w", err)
		}
	}
	return iw.Close()
}
