package client

import (
	"math"
	"sort"
	"strconv"
	"unicode/utf8"
)

// Row is one history row: metrics at a step.
type Row struct {
	// Step of the row; negative lets the server take the run's last step + 1.
	Step int64
	// Time in seconds since the epoch; 0 lets the server use its clock.
	Time float64
	// Metrics maps metric keys to values; NaN and infinities are kept.
	Metrics map[string]float64
}

// AppendJSON appends the row as one JSON object to dst: `_step`,
// `_timestamp`, then the metrics in key order, non-finite values as the
// strings "NaN", "Infinity" and "-Infinity".
func (r Row) AppendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	first := true
	if r.Step >= 0 {
		dst = append(dst, `"_step":`...)
		dst = strconv.AppendInt(dst, r.Step, 10)
		first = false
	}
	if r.Time != 0 {
		dst = appendComma(dst, &first)
		dst = append(dst, `"_timestamp":`...)
		dst = AppendNumber(dst, r.Time)
	}
	for _, key := range sortedKeys(r.Metrics) {
		dst = appendComma(dst, &first)
		dst = AppendString(dst, key)
		dst = append(dst, ':')
		dst = AppendNumber(dst, r.Metrics[key])
	}
	return append(dst, '}')
}

// AppendNumber appends v as a JSON value the server reads back bit for bit.
func AppendNumber(dst []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(dst, `"NaN"`...)
	case math.IsInf(v, 1):
		return append(dst, `"Infinity"`...)
	case math.IsInf(v, -1):
		return append(dst, `"-Infinity"`...)
	}
	return strconv.AppendFloat(dst, v, 'g', -1, 64)
}

// AppendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD,
// as encoding/json does.
func AppendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x80 {
			r, size := utf8.DecodeRuneInString(s[i:])
			dst = utf8.AppendRune(dst, r)
			i += size
			continue
		}
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			dst = append(dst, c)
		}
		i++
	}
	return append(dst, '"')
}

func appendComma(dst []byte, first *bool) []byte {
	if *first {
		*first = false
		return dst
	}
	return append(dst, ',')
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
