package ingest

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"syscall"
	"testing"

	"github.com/sextant-ml/sextant/engine"
)

var (
	nan  = math.NaN()
	pInf = math.Inf(1)
	nInf = math.Inf(-1)
)

func row(step int64, time float64, kv ...any) engine.Row {
	r := engine.Row{Step: step, Time: time}
	for i := 0; i < len(kv); i += 2 {
		r.Metrics = append(r.Metrics, engine.Metric{Key: kv[i].(string), Value: kv[i+1].(float64)})
	}
	return r
}

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name string
		in   string
		f    Format
		want []engine.Row
	}{
		{"ndjson", "{\"_step\":1,\"a\":0.5}\n{\"_step\":2,\"a\":-1e-3}\n", FormatNDJSON,
			[]engine.Row{row(1, nan, "a", 0.5), row(2, nan, "a", -1e-3)}},
		{"ndjson blank lines and no final newline", "\n\r\n {\"a\":1} \n\n{\"a\":2}",
			FormatNDJSON, []engine.Row{row(-1, nan, "a", 1.0), row(-1, nan, "a", 2.0)}},
		{"json rows", `{"rows":[{"_step":0,"x":1},{"_step":3,"x":2}]}`, FormatJSON,
			[]engine.Row{row(0, nan, "x", 1.0), row(3, nan, "x", 2.0)}},
		{"json bare array", `[ {"x":1} ]`, FormatJSON, []engine.Row{row(-1, nan, "x", 1.0)}},
		{"json other members skipped", `{"run":{"a":[1,{"b":"c"}]},"rows":[],"n":null}`,
			FormatJSON, []engine.Row{}},
		{"bare non-finite tokens", `{"a":NaN,"b":Infinity,"c":-Infinity}`, FormatNDJSON,
			[]engine.Row{row(-1, nan, "a", nan, "b", pInf, "c", nInf)}},
		{"quoted non-finite strings", `{"a":"NaN","b":"Infinity","c":"-Infinity"}`,
			FormatNDJSON, []engine.Row{row(-1, nan, "a", nan, "b", pInf, "c", nInf)}},
		{"booleans and null", `{"t":true,"f":false,"n":null}`, FormatNDJSON,
			[]engine.Row{row(-1, nan, "t", 1.0, "f", 0.0)}},
		{"timestamp", `{"_timestamp":1700000000.25,"a":1}`, FormatNDJSON,
			[]engine.Row{row(-1, 1700000000.25, "a", 1.0)}},
		{"null step and time", `{"_step":null,"_timestamp":null,"a":1}`, FormatNDJSON,
			[]engine.Row{row(-1, nan, "a", 1.0)}},
		{"integral step as float", `{"_step":1e3,"a":1}`, FormatNDJSON,
			[]engine.Row{row(1000, nan, "a", 1.0)}},
		{"escaped key", `{"tr\u0061in\/loss \"x\"":1}`, FormatNDJSON,
			[]engine.Row{row(-1, nan, `train/loss "x"`, 1.0)}},
		{"surrogate pair key", `{"\ud83d\ude00":1}`, FormatNDJSON,
			[]engine.Row{row(-1, nan, "😀", 1.0)}},
		{"numbers", `{"a":0,"b":-0.0,"c":1.5e300,"d":12345678901234567890,"e":1e400}`,
			FormatNDJSON, []engine.Row{row(-1, nan, "a", 0.0, "b", math.Copysign(0, -1),
				"c", 1.5e300, "d", 12345678901234567890.0, "e", pInf)}},
		{"empty row", `{}`, FormatNDJSON, []engine.Row{row(-1, nan)}},
		{"same key escaped and plain", "{\"ab\":1}\n{\"a\\u0062\":2}\n{\"ab\":3}",
			FormatNDJSON, []engine.Row{row(-1, nan, "ab", 1.0), row(-1, nan, "ab", 2.0),
				row(-1, nan, "ab", 3.0)}},
		{"members change place", "{\"_step\":1,\"a\":1,\"b\":2}\n" +
			"{\"b\":3,\"_step\":2,\"a\":4}\n{\"a\":5,\"_timestamp\":7}\n{\"a\":6}",
			FormatNDJSON, []engine.Row{row(1, nan, "a", 1.0, "b", 2.0),
				row(2, nan, "b", 3.0, "a", 4.0), row(-1, 7, "a", 5.0), row(-1, nan, "a", 6.0)}},
		{"key prefix of the previous", "{\"ab\":1}\n{\"a\":2}\n{\"abc\":3}",
			FormatNDJSON, []engine.Row{row(-1, nan, "ab", 1.0), row(-1, nan, "a", 2.0),
				row(-1, nan, "abc", 3.0)}},
		{"key with a quote", "{\"a\\\"b\":1}\n{\"a\\\"b\":2}", FormatNDJSON,
			[]engine.Row{row(-1, nan, `a"b`, 1.0), row(-1, nan, `a"b`, 2.0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewParser().Parse([]byte(tt.in), tt.f, 0)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.in, err)
			}
			if !sameRows(got, tt.want) {
				t.Errorf("Parse(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	long := strings.Repeat("k", engine.MaxKeyLen+1)
	tests := []struct {
		name string
		in   string
		f    Format
		want string // in the message
		kind error
	}{
		{"string value", "{\"a\":1}\n{\"acc\":\"high\"}", FormatNDJSON,
			`line 2: key "acc": string "high" is not a number`, engine.ErrInvalid},
		{"string value json", `{"rows":[{"a":1},{"b":"x"}]}`, FormatJSON,
			`rows[1]: key "b": string "x"`, engine.ErrInvalid},
		{"nested object", `{"a":{"b":1}}`, FormatNDJSON, `key "a": object value`,
			engine.ErrInvalid},
		{"array value", `{"a":[1]}`, FormatNDJSON, `key "a": array value`, engine.ErrInvalid},
		{"negative step", `{"_step":-1}`, FormatNDJSON, `key "_step": negative`,
			engine.ErrInvalid},
		{"fractional step", `{"_step":1.5}`, FormatNDJSON, `key "_step": not an integer`,
			engine.ErrInvalid},
		{"string step", `{"_step":"3"}`, FormatNDJSON, `key "_step": string`,
			engine.ErrInvalid},
		{"NaN step", `{"_step":NaN}`, FormatNDJSON, `key "_step"`, engine.ErrInvalid},
		{"boolean step", `{"_step":true}`, FormatNDJSON, `key "_step": boolean true`,
			engine.ErrInvalid},
		{"boolean timestamp", `{"_timestamp":false}`, FormatNDJSON,
			`key "_timestamp": false: want a finite number`, engine.ErrInvalid},
		{"non-finite timestamp", `{"_timestamp":Infinity}`, FormatNDJSON,
			`key "_timestamp": Infinity: want a finite number`, engine.ErrInvalid},
		{"empty key", `{"":1}`, FormatNDJSON, "line 1: empty metric key", engine.ErrInvalid},
		{"long key", `{"` + long + `":1}`, FormatNDJSON, "longer than 256 bytes",
			engine.ErrInvalid},
		{"reserved key", `{"_runtime":1}`, FormatNDJSON, `key "_runtime": reserved`,
			engine.ErrInvalid},
		{"invalid utf8 key", "{\"\xff\":1}", FormatNDJSON, "not valid UTF-8",
			engine.ErrInvalid},
		{"truncated", `{"a":1`, FormatNDJSON, "malformed JSON", engine.ErrInvalid},
		{"missing colon", `{"a" 1}`, FormatNDJSON, "malformed JSON", engine.ErrInvalid},
		{"bad literal", `{"a":tru}`, FormatNDJSON, "malformed JSON", engine.ErrInvalid},
		{"bad number", `{"a":1.}`, FormatNDJSON, "malformed number", engine.ErrInvalid},
		{"bad number 2", `{"a":1e}`, FormatNDJSON, "malformed number", engine.ErrInvalid},
		{"two rows on a line", `{"a":1} {"a":2}`, FormatNDJSON, "want a newline",
			engine.ErrInvalid},
		{"missing rows", `{"data":[]}`, FormatJSON, "rows: missing", engine.ErrInvalid},
		{"trailing data", `{"rows":[]} x`, FormatJSON, "after the end", engine.ErrInvalid},
		{"row not an object", `{"rows":[1]}`, FormatJSON, "malformed JSON",
			engine.ErrInvalid},
		{"control char in key", "{\"a\tb\":1}", FormatNDJSON, "control character",
			engine.ErrInvalid},
		{"bad escape", `{"a\x":1}`, FormatNDJSON, `invalid escape`, engine.ErrInvalid},
		{"too deep", `{"x":` + strings.Repeat("[", 100) + `,"rows":[]}`, FormatJSON,
			"nested more than", engine.ErrInvalid},
		{"too many rows", "{}\n{}\n{}\n", FormatNDJSON, "more than 2", ErrTooManyRows},
		{"unescaped quote in a known key", "{\"a\\\"b\":1}\n{\"a\"b\":2}", FormatNDJSON,
			"line 2: malformed JSON", engine.ErrInvalid},
		{"bad number after known key", "{\"a\":1}\n{\"a\":1.5.5}", FormatNDJSON,
			"line 2: malformed JSON at byte 18: malformed number", engine.ErrInvalid},
		{"known key at the end", "{\"abc\":1}\n{\"abc", FormatNDJSON, "line 2: malformed JSON",
			engine.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := NewParser().Parse([]byte(tt.in), tt.f, 2)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want error %q", tt.in, rows, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) || !errors.Is(err, tt.kind) {
				t.Errorf("Parse(%q) error = %q, want one containing %q and wrapping %v",
					tt.in, err, tt.want, tt.kind)
			}
		})
	}
}

// TestParseReuse checks that a Parser's second batch does not disturb the
// keys of the first, which callers may keep.
func TestParseReuse(t *testing.T) {
	p := NewParser()
	first, err := p.Parse([]byte(`{"a\u0062":1}`), FormatNDJSON, 0)
	if err != nil {
		t.Fatal(err)
	}
	key := first[0].Metrics[0].Key
	if _, err := p.Parse([]byte(`{"x\u0079":2}`), FormatNDJSON, 0); err != nil {
		t.Fatal(err)
	}
	if key != "ab" {
		t.Errorf("key of first batch after second Parse = %q, want %q", key, "ab")
	}
}

func TestAppendRowRoundTrip(t *testing.T) {
	rows := []engine.Row{
		row(0, 1.5, "a", nan, "b", pInf, "c", nInf, "d", math.Copysign(0, -1)),
		row(-1, nan, "quote\"back\\slash\x01", 1e-310, "x", math.MaxFloat64),
	}
	var buf []byte
	for _, r := range rows {
		buf = append(AppendRow(buf, r), '\n')
	}
	got, err := NewParser().Parse(buf, FormatNDJSON, 0)
	if err != nil {
		t.Fatalf("Parse(%q): %v", buf, err)
	}
	if !sameRows(got, rows) {
		t.Errorf("Parse(AppendRow(%v)) = %v", rows, got)
	}
}

// sameRows compares rows with floats by their bits, except that every NaN
// is equal to every NaN.
func sameRows(a, b []engine.Row) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Step != b[i].Step || !sameFloat(a[i].Time, b[i].Time) ||
			len(a[i].Metrics) != len(b[i].Metrics) {
			return false
		}
		for j, m := range a[i].Metrics {
			n := b[i].Metrics[j]
			if m.Key != n.Key || !sameFloat(m.Value, n.Value) {
				return false
			}
		}
	}
	return true
}

func sameFloat(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

func FuzzParse(f *testing.F) {
	seeds := []string{
		"{\"_step\":1,\"a\":0.5,\"b\":NaN}\n{\"a\":\"Infinity\",\"c\":null}",
		`{"rows":[{"_timestamp":1.5,"k\u00e9y":-Infinity,"t":true}]}`,
		`[{"_step":1e2}]`, `{"a":"x"}`, `{"a":{"b":[1,2]}}`, "",
	}
	for _, s := range seeds {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, ndjson bool) {
		format := FormatJSON
		if ndjson {
			format = FormatNDJSON
		}
		rows, err := NewParser().Parse(data, format, 0)
		if err != nil {
			return
		}
		var buf []byte
		for _, r := range rows {
			buf = append(AppendRow(buf, r), '\n')
		}
		again, err := NewParser().Parse(buf, FormatNDJSON, 0)
		if err != nil {
			t.Fatalf("Parse(AppendRow(rows of %q)) = %v", data, err)
		}
		if !sameRows(rows, again) {
			t.Fatalf("round trip of %q: %v, then %v", data, rows, again)
		}
	})
}

// benchBatch is an NDJSON batch shaped like a training script's log: 16
// metrics per row, a mix of short decimals, full float64 and integers.
func benchBatch(rows int) []byte {
	var buf []byte
	for i := range rows {
		r := engine.Row{Step: int64(i), Time: 1.7e9 + float64(i)*0.01}
		for k := range 16 {
			v := math.Sin(float64(i*k)) * 3
			if k%3 == 0 {
				v = math.Round(v*1e4) / 1e4
			}
			r.Metrics = append(r.Metrics, engine.Metric{Key: fmt.Sprintf("train/m%02d", k), Value: v})
		}
		buf = append(AppendRow(buf, r), '\n')
	}
	return buf
}

func BenchmarkParseNDJSON(b *testing.B) {
	benchParse(b, benchBatch(10_000), 16*10_000)
}

// BenchmarkParseMixed parses rows shaped like the benchmark's synthetic
// runs (bench/gen): 10 metrics of four-decimal losses, float32s widened
// to float64, full float64s, a small learning rate, whole numbers and a
// timestamp with microseconds.
func BenchmarkParseMixed(b *testing.B) {
	benchParse(b, mixedBatch(10_000), 10*10_000)
}

func benchParse(b *testing.B, data []byte, points int) {
	p := NewParser()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		if _, err := p.Parse(data, FormatNDJSON, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(points*b.N)/b.Elapsed().Seconds(), "points/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(points*b.N), "cpu-ns/point")
}

func mixedBatch(rows int) []byte {
	keys := []string{"train/loss", "train/accuracy", "train/lr", "train/grad_norm",
		"train/tokens_per_sec", "train/loss_avg", "val/loss", "val/accuracy",
		"system/gpu_util", "train/loss_fp32"}
	var buf []byte
	for i := range rows {
		x := float64(i)
		vals := []float64{
			math.Round((2+math.Sin(x))*1e4) / 1e4,
			float64(float32(0.9 + 0.05*math.Cos(x))),
			3e-4 / math.Sqrt(1+x),
			float64(float32(0.8 + 0.1*math.Sin(x*0.7))),
			math.Round((150000+5000*math.Sin(x))*10) / 10,
			2.8 + 0.05*math.Sin(x*0.3),
			math.Round((2.5+0.1*math.Cos(x))*1e4) / 1e4,
			float64(float32(0.92 + 0.01*math.Sin(x))),
			math.Round(140000 + 5000*math.Cos(x)),
			float64(float32(2.3 + 0.01*math.Cos(x))),
		}
		r := engine.Row{Step: int64(i), Time: 1.767225849e9 + math.Round(x*0.25*1e6)/1e6}
		for k, v := range vals {
			r.Metrics = append(r.Metrics, engine.Metric{Key: keys[k], Value: v})
		}
		buf = append(AppendRow(buf, r), '\n')
	}
	return buf
}

// cpuTime returns the CPU time the process used so far, in nanoseconds: on
// a shared machine, CPU time per point tells more than wall time.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
