package client

import (
	"math"
	"testing"
)

func TestRowAppendJSON(t *testing.T) {
	tests := []struct {
		name string
		row  Row
		want string
	}{
		{"empty, server step", Row{Step: -1}, `{}`},
		{"step only", Row{Step: 0}, `{"_step":0}`},
		{"sorted keys", Row{Step: 7, Time: 1.5, Metrics: map[string]float64{"b": 2, "a": 0.1}},
			`{"_step":7,"_timestamp":1.5,"a":0.1,"b":2}`},
		{"non-finite", Row{Step: 1, Metrics: map[string]float64{
			"n": math.NaN(), "p": math.Inf(1), "m": math.Inf(-1)}},
			`{"_step":1,"m":"-Infinity","n":"NaN","p":"Infinity"}`},
		{"escaped key", Row{Step: 2, Metrics: map[string]float64{"a\"b\\c\n/é": -3e-9}},
			`{"_step":2,"a\"b\\c\u000a/é":-3e-09}`},
		{"float32 widened", Row{Step: 3, Metrics: map[string]float64{"x": float64(float32(0.1))}},
			`{"_step":3,"x":0.10000000149011612}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := []byte("r ")
			got := string(tt.row.AppendJSON(prefix))
			if got != "r "+tt.want {
				t.Errorf("AppendJSON(%v) = %s, want r %s", tt.row, got, tt.want)
			}
		})
	}
}

func TestAppendStringInvalidUTF8(t *testing.T) {
	got := string(AppendString(nil, "a\xffb"))
	if want := "\"a\uFFFDb\""; got != want {
		t.Errorf("AppendString(a\\xffb) = %q, want %q", got, want)
	}
}

func BenchmarkRowAppendJSON(b *testing.B) {
	row := Row{Step: 123456, Time: 1.7e9, Metrics: map[string]float64{}}
	for i := range 10 {
		row.Metrics["train/metric_"+string(rune('a'+i))] = float64(i) / 3
	}
	buf := row.AppendJSON(nil)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf = row.AppendJSON(buf[:0])
	}
}
