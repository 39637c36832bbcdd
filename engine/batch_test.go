package engine

import (
	"math"
	"slices"
	"testing"
)

// TestWALRecordRoundTrip encodes batches and decodes them back, values
// compared by their bits.
func TestWALRecordRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		rows []Row
	}{
		{"empty row", []Row{{Step: 0, Time: 1}}},
		{"keys", []Row{{Step: 3, Time: 1.5, Metrics: []Metric{{"a", 1}, {"b/c", -2}}},
			{Step: 1 << 40, Time: 2, Metrics: []Metric{{"b/c", math.NaN()}, {"d", math.Inf(-1)}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := getBatch()
			defer putBatch(b)
			if err := b.fill(tt.rows, 0); err != nil {
				t.Fatal(err)
			}
			h := walHeader{"proj", "run-1", 0xfeedface, 42}
			b.encodeWAL(h)
			gotH, body, err := decodeWALHeader(b.wal)
			if err != nil || gotH != h {
				t.Fatalf("decodeWALHeader = %+v, %v; want %+v", gotH, err, h)
			}
			d := &batch{}
			if err := d.decodeWAL(body); err != nil {
				t.Fatalf("decodeWAL: %v", err)
			}
			if !slices.Equal(d.steps, b.steps) || !slices.Equal(d.keys, b.keys) ||
				!slices.Equal(d.ptKey, b.ptKey) || !slices.Equal(d.counts, b.counts) ||
				!sameBits(d.values, b.values) || !sameBits(d.times, b.times) {
				t.Errorf("decoded %+v, want %+v", d, b)
			}
		})
	}
}

func sameBits(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return sameFloat(x, y) })
}

// FuzzDecodeWAL feeds arbitrary bytes to the record decoder, which must
// fail cleanly, never panic.
func FuzzDecodeWAL(f *testing.F) {
	b := getBatch()
	b.fill([]Row{{Step: 1, Time: 2, Metrics: []Metric{{"k", 3}}}}, 0)
	b.encodeWAL(walHeader{"p", "r", 1, 2})
	f.Add(slices.Clone(b.wal))
	putBatch(b)
	f.Fuzz(func(t *testing.T, rec []byte) {
		_, body, err := decodeWALHeader(rec)
		if err != nil {
			return
		}
		d := &batch{}
		if err := d.decodeWAL(body); err != nil {
			return
		}
		if len(d.ptKey) != len(d.values) || len(d.steps) != len(d.counts) {
			t.Errorf("decoded an inconsistent batch: %+v", d)
		}
	})
}
