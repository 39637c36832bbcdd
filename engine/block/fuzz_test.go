package block

import (
	"encoding/binary"
	"math"
	"reflect"
	"testing"
)

// fuzzPoints turns fuzz bytes into points, 9 bytes a point: a kind byte,
// then 8 bytes read as raw float64 bits, a short decimal, a float32 or a
// repeat, so that every value mode is reached. Steps advance by the kind
// byte's high bits, sometimes by a huge stride.
func fuzzPoints(data []byte) points {
	var p points
	step, prev := int64(-100), 0.0
	for ; len(data) >= 9; data = data[9:] {
		kind, x := data[0], binary.LittleEndian.Uint64(data[1:9])
		v := prev
		switch kind % 4 {
		case 0:
			v = math.Float64frombits(x)
		case 1:
			v = float64(int32(x)) / pow10[x>>32%10]
		case 2:
			v = float64(math.Float32frombits(uint32(x)))
		}
		step += int64(kind>>2) + 1
		if kind == 0xff {
			step += 1 << 40
		}
		p.steps = append(p.steps, step)
		p.values = append(p.values, v)
		prev = v
	}
	return p
}

func FuzzRoundTrip(f *testing.F) {
	for _, tc := range codecCases {
		var seed []byte
		for i, v := range tc.p.values {
			seed = append(seed, byte(i*4))
			seed = binary.LittleEndian.AppendUint64(seed, math.Float64bits(v))
		}
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := fuzzPoints(data)
		enc := Encode(nil, p.steps, p.values)
		steps, values, err := Decode(enc, nil, nil)
		if err != nil {
			t.Fatalf("Decode(Encode(%v)) error: %v", p, err)
		}
		if i := firstDiff(p.steps, p.values, steps, values); i >= 0 {
			t.Fatalf("Decode(Encode(%v)) differs at %d: got %v %v", p, i, steps, values)
		}
	})
}

func FuzzDecode(f *testing.F) {
	for _, tc := range codecCases {
		f.Add(Encode(nil, tc.p.steps, tc.p.values))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		steps, values, err := Decode(src, nil, nil)
		if err != nil {
			return
		}
		enc := Encode(nil, steps, values)
		steps2, values2, err := Decode(enc, nil, nil)
		if err != nil || firstDiff(steps, values, steps2, values2) >= 0 {
			t.Fatalf("decoded %x, its re-encoding does not round-trip: %v", src, err)
		}
	})
}

func FuzzSummaryDecode(f *testing.F) {
	for _, tc := range codecCases {
		st, b := Summarize(tc.p.steps, tc.p.values)
		f.Add(AppendSummary(nil, st, b))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		st, b, err := DecodeSummary(src)
		if err != nil {
			return
		}
		st2, b2, err := DecodeSummary(AppendSummary(nil, st, b))
		if err != nil || !sameSummary(st, b, st2, b2) {
			t.Fatalf("decoded summary %x does not round-trip: %v", src, err)
		}
	})
}

// sameSummary compares summaries with floats by their bits.
func sameSummary(s1 Stats, b1 []Bucket, s2 Stats, b2 []Bucket) bool {
	return reflect.DeepEqual(bitsOf(s1, b1), bitsOf(s2, b2))
}

// bitsOf replaces every float by its bits so that DeepEqual sees NaNs as
// equal and tells 0 from -0.
func bitsOf(st Stats, b []Bucket) []any {
	f := math.Float64bits
	out := []any{st.Count, st.MinStep, st.MaxStep, f(st.Min), st.MinAt, f(st.Max), st.MaxAt,
		f(st.Sum), f(st.First), f(st.Last), st.NonFinite}
	for _, x := range b {
		out = append(out, x.Count, x.MinStep, x.MaxStep, x.Finite, x.FirstStep, f(x.First),
			x.LastStep, f(x.Last), x.MinAt, f(x.Min), x.MaxAt, f(x.Max))
	}
	return out
}
