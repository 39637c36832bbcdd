package block

import (
	"bytes"
	"encoding/hex"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

var (
	nan      = math.NaN()
	nanBits  = math.Float64frombits(0x7ff8_dead_beef_0001) // NaN with a payload
	negZero  = math.Copysign(0, -1)
	inf      = math.Inf(1)
	subnorm  = math.Float64frombits(1)
	maxFloat = math.MaxFloat64
)

type points struct {
	steps  []int64
	values []float64
}

func ramp(n int, f func(i int) float64) points {
	var p points
	for i := 0; i < n; i++ {
		p.steps = append(p.steps, int64(i)*10)
		p.values = append(p.values, f(i))
	}
	return p
}

// codecCases cover every value mode, every integer order and every special
// float.
var codecCases = []struct {
	name string
	p    points
}{
	{"empty", points{}},
	{"one", points{[]int64{7}, []float64{1.5}}},
	{"two", points{[]int64{-3, 9}, []float64{0.25, -0.5}}},
	{"decimal", points{[]int64{0, 1, 2, 3, 4}, []float64{3.9363, 3.8144, 3.8706, 3.7564, 3.9393}}},
	{"specials", points{
		[]int64{1, 2, 3, 4, 5, 6, 7, 8, 9},
		[]float64{nan, nanBits, negZero, inf, -inf, subnorm, maxFloat, -maxFloat, 0.1},
	}},
	{"float32", ramp(40, func(i int) float64 { return float64(float32(1) / float32(i+3)) })},
	{"float64", ramp(40, func(i int) float64 { return 1 / float64(i+3) })},
	{"constant", ramp(100, func(int) float64 { return 0.9996 })},
	{"all-nan", ramp(70, func(int) float64 { return nan })},
	{"irregular-steps", points{
		[]int64{math.MinInt64, -5, 0, 1, 1000, math.MaxInt64},
		[]float64{1, 2, 3, 4, 5, 6},
	}},
	{"time-ms", ramp(300, func(i int) float64 { return float64(227 + 136*i + i%7) })},
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range codecCases {
		t.Run(tc.name, func(t *testing.T) {
			enc := Encode(nil, tc.p.steps, tc.p.values)
			steps, values, err := Decode(enc, nil, nil)
			if err != nil {
				t.Fatalf("Decode(Encode(%v)) error: %v", tc.p, err)
			}
			if i := firstDiff(tc.p.steps, tc.p.values, steps, values); i >= 0 {
				t.Errorf("Decode(Encode) differs at point %d: got %v %v, want %v %v",
					i, steps, values, tc.p.steps, tc.p.values)
			}
		})
	}
}

// TestDecodeAppends checks that Decode keeps what the slices held.
func TestDecodeAppends(t *testing.T) {
	p := codecCases[3].p
	enc := Encode(nil, p.steps, p.values)
	steps, values, err := Decode(enc, []int64{-1}, []float64{-1})
	if err != nil {
		t.Fatal(err)
	}
	want := points{append([]int64{-1}, p.steps...), append([]float64{-1}, p.values...)}
	if i := firstDiff(want.steps, want.values, steps, values); i >= 0 {
		t.Errorf("Decode into non-empty slices: got %v %v, want %v", steps, values, want)
	}
}

// TestGolden pins the exact bytes of every case, alone and after a prefix.
// go test -run Golden -update rewrites testdata/block/.
func TestGolden(t *testing.T) {
	for _, tc := range codecCases {
		t.Run(tc.name, func(t *testing.T) {
			got := Encode(nil, tc.p.steps, tc.p.values)
			want := golden(t, filepath.Join("block", tc.name+".hex"), got)
			if !bytes.Equal(got, want) {
				t.Errorf("Encode(%s) = %x, want %x", tc.name, got, want)
			}
			prefix := []byte("prefix")
			got = Encode(prefix, tc.p.steps, tc.p.values)
			if !bytes.Equal(got, append(prefix, want...)) {
				t.Errorf("Encode(%q, %s) = %x, want prefix then %x", prefix, tc.name, got, want)
			}
		})
	}
}

// golden returns the bytes of testdata/name, hex with # comments, after
// writing got there under -update.
func golden(t *testing.T, name string, got []byte) []byte {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		text := "# " + strings.TrimSuffix(filepath.Base(name), ".hex") + "\n" + hex.Dump(got)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (go test -update writes it): %v", err)
	}
	return parseDump(t, string(text))
}

// parseDump reads back the output of hex.Dump: offset, 16 bytes, text.
func parseDump(t *testing.T, text string) []byte {
	var out []byte
	for _, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		field := line[10:min(len(line), 58)]
		b, err := hex.DecodeString(strings.ReplaceAll(field, " ", ""))
		if err != nil {
			t.Fatalf("golden line %q: %v", line, err)
		}
		out = append(out, b...)
	}
	return out
}

// TestCorrupt checks that every truncation and every flipped byte of valid
// blocks either errors with ErrCorrupt or decodes to some points, never
// panics, and that truncations always error.
func TestCorrupt(t *testing.T) {
	for _, tc := range codecCases {
		t.Run(tc.name, func(t *testing.T) {
			enc := Encode(nil, tc.p.steps, tc.p.values)
			for n := 0; n < len(enc); n++ {
				_, _, err := Decode(enc[:n], nil, nil)
				if !errors.Is(err, ErrCorrupt) {
					t.Errorf("Decode(first %d of %d bytes) error = %v, want ErrCorrupt",
						n, len(enc), err)
				}
			}
			for i := range enc {
				bad := bytes.Clone(enc)
				bad[i] ^= 0xff
				if _, _, err := Decode(bad, nil, nil); err != nil && !errors.Is(err, ErrCorrupt) {
					t.Errorf("Decode(byte %d flipped) error = %v, want ErrCorrupt", i, err)
				}
			}
			if _, _, err := Decode(append(enc, 0), nil, nil); !errors.Is(err, ErrCorrupt) {
				t.Errorf("Decode(trailing byte) error = %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestDecodeForgedCount(t *testing.T) {
	for _, src := range [][]byte{
		{version, 0xff, 0xff, 0xff, 0xff, 0x0f},          // count over MaxPoints
		{version, 0x80, 0x80, 0x08, 1, 0, 0, 0x00, 1, 0}, // MaxPoints, nothing after
		{version + 1, 0},
	} {
		if _, _, err := Decode(src, nil, nil); !errors.Is(err, ErrCorrupt) {
			t.Errorf("Decode(%x) error = %v, want ErrCorrupt", src, err)
		}
	}
}

func TestEncodeMismatchPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Encode(2 steps, 1 value) did not panic")
		}
	}()
	Encode(nil, []int64{1, 2}, []float64{1})
}
