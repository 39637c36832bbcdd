package query

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/sextant-ml/sextant/engine"
)

// runsBatch is the number of runs per Arrow record batch.
const runsBatch = 4096

// runColumn is one column of the runs table: its name, its Arrow type,
// and how to read it from a run (nil when the run has none).
type runColumn struct {
	name string
	typ  arrow.DataType
	get  func(r *engine.Run, flat map[string]any) any
}

// runColumns lays out the runs table: metadata, then config flattened to
// dotted paths, then summary.KEY (last), summary.KEY.min and .max, each
// group sorted by name. A config column is float64 when every run's value
// there is a number, bool when every one is a boolean, and a string
// otherwise (other values written as JSON).
func runColumns(runs []*engine.Run) []runColumn {
	str := func(f func(r *engine.Run) string) func(*engine.Run, map[string]any) any {
		return func(r *engine.Run, _ map[string]any) any { return f(r) }
	}
	when := func(f func(r *engine.Run) time.Time) func(*engine.Run, map[string]any) any {
		return func(r *engine.Run, _ map[string]any) any {
			if t := f(r); !t.IsZero() {
				return t.UTC().Format(time.RFC3339Nano)
			}
			return nil
		}
	}
	s := arrow.BinaryTypes.String
	cols := []runColumn{
		{"id", s, str(func(r *engine.Run) string { return r.ID })},
		{"name", s, str(func(r *engine.Run) string { return r.Name })},
		{"group", s, str(func(r *engine.Run) string { return r.Group })},
		{"job_type", s, str(func(r *engine.Run) string { return r.JobType })},
		{"state", s, str(func(r *engine.Run) string { return r.State })},
		{"tags", s, str(func(r *engine.Run) string { return strings.Join(r.Tags, ",") })},
		{"notes", s, str(func(r *engine.Run) string { return r.Notes })},
		{"author", s, str(func(r *engine.Run) string { return r.Author })},
		{"created", s, when(func(r *engine.Run) time.Time { return r.Created })},
		{"heartbeat", s, when(func(r *engine.Run) time.Time { return r.Heartbeat })},
		{"last_step", arrow.PrimitiveTypes.Float64, func(r *engine.Run, _ map[string]any) any {
			return float64(r.LastStep)
		}},
	}
	return append(append(cols, configColumns(runs)...), summaryColumns(runs)...)
}

func configColumns(runs []*engine.Run) []runColumn {
	kinds := map[string]string{}
	for _, r := range runs {
		flatten("", r.Config, func(path string, v any) {
			k := "string"
			switch v.(type) {
			case float64, int, int64, json.Number:
				k = "number"
			case bool:
				k = "bool"
			}
			if old, ok := kinds[path]; ok && old != k {
				k = "string"
			}
			kinds[path] = k
		})
	}
	var cols []runColumn
	for _, path := range slices.Sorted(maps.Keys(kinds)) {
		typ := arrow.DataType(arrow.BinaryTypes.String)
		switch kinds[path] {
		case "number":
			typ = arrow.PrimitiveTypes.Float64
		case "bool":
			typ = arrow.FixedWidthTypes.Boolean
		}
		cols = append(cols, runColumn{"config." + path, typ,
			func(_ *engine.Run, flat map[string]any) any { return flat[path] }})
	}
	return cols
}

// flatConfig fills flat with r's config leaves by dotted path.
func flatConfig(r *engine.Run, flat map[string]any) {
	clear(flat)
	flatten("", r.Config, func(path string, v any) { flat[path] = v })
}

// flatten calls fn with every leaf of a nested config and its dotted path.
func flatten(prefix string, m map[string]any, fn func(path string, v any)) {
	for k, v := range m {
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		if sub, ok := v.(map[string]any); ok && len(sub) > 0 {
			flatten(path, sub, fn)
			continue
		}
		fn(path, v)
	}
}

func summaryColumns(runs []*engine.Run) []runColumn {
	keys := map[string]bool{}
	for _, r := range runs {
		for k := range r.Summary {
			keys[k] = true
		}
	}
	var cols []runColumn
	f := arrow.PrimitiveTypes.Float64
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		pick := func(agg func(s engine.MetricSummary) float64) func(*engine.Run,
			map[string]any) any {
			return func(r *engine.Run, _ map[string]any) any {
				if s, ok := r.Summary[k]; ok {
					return agg(s)
				}
				return nil
			}
		}
		cols = append(cols,
			runColumn{"summary." + k, f, pick(func(s engine.MetricSummary) float64 {
				return s.Last
			})},
			runColumn{"summary." + k + ".min", f, pick(func(s engine.MetricSummary) float64 {
				return s.Min
			})},
			runColumn{"summary." + k + ".max", f, pick(func(s engine.MetricSummary) float64 {
				return s.Max
			})})
	}
	return cols
}

// cellText formats a value for CSV.
func cellText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return string(appendPlainFloat(nil, v))
	case bool:
		if v {
			return "true"
		}
		return "false"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// WriteRunsCSV writes the runs table, one line per run.
func WriteRunsCSV(w io.Writer, runs []*engine.Run) error {
	cols := runColumns(runs)
	cw := csv.NewWriter(w)
	record := make([]string, len(cols))
	for i, c := range cols {
		record[i] = c.name
	}
	if err := cw.Write(record); err != nil {
		return err
	}
	flat := map[string]any{}
	for _, r := range runs {
		flatConfig(r, flat)
		for i, c := range cols {
			record[i] = cellText(c.get(r, flat))
		}
		if err := cw.Write(record); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteRunsArrow writes the runs table as an Arrow IPC stream, in record
// batches of runsBatch runs.
func WriteRunsArrow(w io.Writer, runs []*engine.Run) error {
	cols := runColumns(runs)
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.name, Type: c.typ, Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)
	mem := memory.NewGoAllocator()
	iw := ipc.NewWriter(w, ipc.WithSchema(schema), ipc.WithAllocator(mem))
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	flat := map[string]any{}
	for lo := 0; lo < len(runs); lo += runsBatch {
		for _, r := range runs[lo:min(lo+runsBatch, len(runs))] {
			flatConfig(r, flat)
			for i, c := range cols {
				appendCell(b.Field(i), c.get(r, flat))
			}
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

func appendCell(b array.Builder, v any) {
	if v == nil {
		b.AppendNull()
		return
	}
	switch b := b.(type) {
	case *array.Float64Builder:
		switch v := v.(type) {
		case float64:
			b.Append(v)
		case int:
			b.Append(float64(v))
		case int64:
			b.Append(float64(v))
		case json.Number:
			f, _ := v.Float64()
			b.Append(f)
		}
	case *array.BooleanBuilder:
		b.Append(v.(bool))
	case *array.StringBuilder:
		b.Append(cellText(v))
	}
}
