package harness

import (
	"bytes"
	"io"
	"math"
	"strconv"

	"github.com/sextant-ml/sextant/bench/workload"
)

// AppendNDJSON appends the rows of b as newline-delimited JSON, one object
// per row with _step, _timestamp and its keys, to dst. Values are written in
// their shortest exact form; non-finite values as the bare tokens NaN,
// Infinity and -Infinity, as Python's json module writes them.
func AppendNDJSON(dst []byte, b workload.Batch) []byte {
	for _, row := range b.Rows {
		dst = append(dst, `{"_step":`...)
		dst = strconv.AppendInt(dst, row.Step, 10)
		dst = append(dst, `,"_timestamp":`...)
		dst = strconv.AppendFloat(dst, row.Time, 'f', -1, 64)
		for i, key := range row.Keys {
			dst = append(dst, ',')
			dst = strconv.AppendQuote(dst, key)
			dst = append(dst, ':')
			dst = appendValue(dst, row.Values[i])
		}
		dst = append(dst, "}\n"...)
	}
	return dst
}

func appendValue(dst []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(dst, "NaN"...)
	case math.IsInf(v, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(v, -1):
		return append(dst, "-Infinity"...)
	}
	return strconv.AppendFloat(dst, v, 'g', -1, 64)
}

func bytesReader(b []byte) io.Reader {
	if b == nil {
		return nil
	}
	return bytes.NewReader(b)
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
