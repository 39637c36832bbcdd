package block

import (
	"bytes"
	"errors"
	"math"
	"path/filepath"
	"testing"
)

// summaryCases add pyramids with buckets without finite values to the
// codec cases.
func summaryCases() []struct {
	name string
	p    points
} {
	cases := codecCases
	cases = append(cases, struct {
		name string
		p    points
	}{"nan-bucket", ramp(200, func(i int) float64 {
		if i >= 64 && i < 128 || i == 150 {
			return math.NaN()
		}
		return float64(i%17) / 8
	})})
	return cases
}

func TestSummaryRoundTrip(t *testing.T) {
	for _, tc := range summaryCases() {
		t.Run(tc.name, func(t *testing.T) {
			st, b := Summarize(tc.p.steps, tc.p.values)
			enc := AppendSummary(nil, st, b)
			st2, b2, err := DecodeSummary(enc)
			if err != nil {
				t.Fatalf("DecodeSummary(AppendSummary(%s)) error: %v", tc.name, err)
			}
			if !sameSummary(st, b, st2, b2) {
				t.Errorf("DecodeSummary(AppendSummary(%s)) = %+v %+v, want %+v %+v",
					tc.name, st2, b2, st, b)
			}
		})
	}
}

func TestSummaryGolden(t *testing.T) {
	for _, tc := range summaryCases() {
		t.Run(tc.name, func(t *testing.T) {
			st, b := Summarize(tc.p.steps, tc.p.values)
			got := AppendSummary(nil, st, b)
			want := golden(t, filepath.Join("summary", tc.name+".hex"), got)
			if !bytes.Equal(got, want) {
				t.Errorf("AppendSummary(%s) = %x, want %x", tc.name, got, want)
			}
			prefix := []byte{0xaa}
			if got := AppendSummary(prefix, st, b); !bytes.Equal(got, append(prefix, want...)) {
				t.Errorf("AppendSummary(%x, %s) = %x, want prefix then %x", prefix, tc.name, got, want)
			}
		})
	}
}

func TestSummaryCorrupt(t *testing.T) {
	for _, tc := range summaryCases() {
		st, b := Summarize(tc.p.steps, tc.p.values)
		enc := AppendSummary(nil, st, b)
		for n := 0; n < len(enc); n++ {
			if _, _, err := DecodeSummary(enc[:n]); !errors.Is(err, ErrCorrupt) {
				t.Errorf("DecodeSummary(%s, first %d of %d bytes) error = %v, want ErrCorrupt",
					tc.name, n, len(enc), err)
			}
		}
		for i := range enc {
			bad := bytes.Clone(enc)
			bad[i] ^= 0xff
			if _, _, err := DecodeSummary(bad); err != nil && !errors.Is(err, ErrCorrupt) {
				t.Errorf("DecodeSummary(%s, byte %d flipped) error = %v, want ErrCorrupt",
					tc.name, i, err)
			}
		}
	}
}

// TestSummaryOwnStats checks statistics that do not follow from the
// pyramid: they are kept in full.
func TestSummaryOwnStats(t *testing.T) {
	p := codecCases[3].p
	st, b := Summarize(p.steps, p.values)
	for _, change := range []func(*Stats){
		func(st *Stats) { st.MinAt++ },
		func(st *Stats) { st.Max = math.Inf(1) },
		func(st *Stats) { st.First = math.NaN() },
	} {
		own := st
		change(&own)
		got, gotB, err := DecodeSummary(AppendSummary(nil, own, b))
		if err != nil || !sameSummary(own, b, got, gotB) {
			t.Errorf("DecodeSummary(AppendSummary(%+v)) = %+v, %v; want the same", own, got, err)
		}
	}
}
