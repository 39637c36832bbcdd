package ingest

import (
	"math"
	"strconv"

	"github.com/sextant-ml/sextant/engine"
)

// AppendRow appends r to dst as one JSON object that Parse reads back to
// the same row, bit for bit: non-finite values are written as the bare
// tokens NaN, Infinity and -Infinity, a negative Step and a NaN Time are
// left out. Keys are written as JSON strings.
func AppendRow(dst []byte, r engine.Row) []byte {
	dst = append(dst, '{')
	sep := false
	if r.Step >= 0 {
		dst = append(dst, `"_step":`...)
		dst = strconv.AppendInt(dst, r.Step, 10)
		sep = true
	}
	if !math.IsNaN(r.Time) {
		dst = appendSep(dst, sep)
		dst = append(dst, `"_timestamp":`...)
		dst = AppendFloat(dst, r.Time)
		sep = true
	}
	for _, m := range r.Metrics {
		dst = appendSep(dst, sep)
		dst = appendString(dst, m.Key)
		dst = append(dst, ':')
		dst = AppendFloat(dst, m.Value)
		sep = true
	}
	return append(dst, '}')
}

// AppendFloat appends v in the shortest form that parses back to the same
// bits; non-finite values as the bare tokens NaN, Infinity, -Infinity.
func AppendFloat(dst []byte, v float64) []byte {
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

func appendSep(dst []byte, sep bool) []byte {
	if sep {
		return append(dst, ',')
	}
	return dst
}

// appendString appends s as a JSON string, escaping quotes, backslashes
// and control characters only.
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}
