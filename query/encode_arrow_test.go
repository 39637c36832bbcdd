package query

import (
	"bytes"
	"fmt"
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
)

// TestWriteArrowColumns reads a chart answer back from its Arrow stream and
// compares every cell with the series it came from, floats by their bits.
func TestWriteArrowColumns(t *testing.T) {
	for _, tc := range []struct {
		name string
		res  ChartResult
	}{
		{"x is the step", ChartResult{Series: []Series{
			{Run: "r1", Key: "train/loss", X: []float64{0, 5, 9},
				Y: []float64{1.5, math.Inf(1), math.Copysign(0, -1)}},
			{Run: "run-two", Key: "train/loss", X: []float64{}, Y: []float64{}},
			{Run: "r3", Key: "é", X: []float64{7}, Y: []float64{2}},
		}}},
		{"x is another key, smoothed", ChartResult{Series: []Series{
			{Run: "r1", Key: "acc", X: []float64{0.25, 0.5}, Y: []float64{3, 4},
				Steps: []int64{10, 20}, Smoothed: []float64{3, 3.5}},
		}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.res.WriteArrow(&buf); err != nil {
				t.Fatalf("WriteArrow: %v", err)
			}
			rd, err := ipc.NewReader(&buf)
			if err != nil {
				t.Fatalf("ipc.NewReader: %v", err)
			}
			defer rd.Release()
			for i, s := range tc.res.Series {
				if !rd.Next() {
					t.Fatalf("series %d: no record batch (%v)", i, rd.Err())
				}
				checkSeriesRecord(t, rd.RecordBatch(), s)
			}
			if rd.Next() {
				t.Errorf("more record batches than the %d series", len(tc.res.Series))
			}
		})
	}
}

func checkSeriesRecord(t *testing.T, rec arrow.RecordBatch, s Series) {
	t.Helper()
	n := len(s.X)
	if int(rec.NumRows()) != n {
		t.Fatalf("%s/%s: %d rows, want %d", s.Run, s.Key, rec.NumRows(), n)
	}
	runs, keys := dictStrings(t, rec.Column(0)), dictStrings(t, rec.Column(1))
	xs, ys := rec.Column(2).(*array.Float64), rec.Column(3).(*array.Float64)
	steps := rec.Column(4).(*array.Int64)
	for j := range n {
		step := int64(s.X[j])
		if s.Steps != nil {
			step = s.Steps[j]
		}
		if runs[j] != s.Run || keys[j] != s.Key || steps.Value(j) != step ||
			math.Float64bits(xs.Value(j)) != math.Float64bits(s.X[j]) ||
			math.Float64bits(ys.Value(j)) != math.Float64bits(s.Y[j]) {
			t.Errorf("%s/%s row %d = (%q, %q, %v, %v, %d), want (%q, %q, %v, %v, %d)",
				s.Run, s.Key, j, runs[j], keys[j], xs.Value(j), ys.Value(j),
				steps.Value(j), s.Run, s.Key, s.X[j], s.Y[j], step)
		}
		if s.Smoothed != nil {
			if got := rec.Column(5).(*array.Float64).Value(j); got != s.Smoothed[j] {
				t.Errorf("%s/%s row %d smoothed_y = %v, want %v", s.Run, s.Key, j, got,
					s.Smoothed[j])
			}
		}
	}
}

// dictStrings returns the values of a dictionary-encoded utf8 column.
func dictStrings(t *testing.T, col arrow.Array) []string {
	t.Helper()
	d, ok := col.(*array.Dictionary)
	if !ok {
		t.Fatalf("column of type %s, want a dictionary", col.DataType())
	}
	dict := d.Dictionary().(*array.String)
	out := make([]string, d.Len())
	for j := range out {
		out[j] = dict.Value(d.GetValueIndex(j))
	}
	return out
}

// TestWriteArrowSendsDictionariesOnce checks that run ids and keys cost
// the stream their dictionary and four bytes a row, not their length on
// every row: 100 series of 1,000 points with 24-byte run ids.
func TestWriteArrowSendsDictionariesOnce(t *testing.T) {
	res := ChartResult{Series: make([]Series, 100)}
	for i := range res.Series {
		s := Series{Run: fmt.Sprintf("run-with-a-long-id-%05d", i), Key: "train/loss",
			X: make([]float64, 1000), Y: make([]float64, 1000)}
		for j := range s.X {
			s.X[j], s.Y[j] = float64(j), float64(i*j)
		}
		res.Series[i] = s
	}
	var buf bytes.Buffer
	if err := res.WriteArrow(&buf); err != nil {
		t.Fatalf("WriteArrow: %v", err)
	}
	// Per row: two int32 indices, x, y and step; per batch and for the
	// schema and dictionaries, a few kilobytes at most.
	rows := 100 * 1000
	if limit := rows*(4+4+8+8+8) + 100*1024; buf.Len() > limit {
		t.Errorf("stream of %d bytes, want at most %d", buf.Len(), limit)
	}
	rd, err := ipc.NewReader(&buf)
	if err != nil {
		t.Fatalf("ipc.NewReader: %v", err)
	}
	defer rd.Release()
	for i := 0; rd.Next(); i++ {
		checkSeriesRecord(t, rd.RecordBatch(), res.Series[i])
	}
	if err := rd.Err(); err != nil {
		t.Fatalf("read: %v", err)
	}
}
