package query

import (
	"math"
	"runtime"
	"slices"
	"sync"
	"unicode/utf8"
)

// AppendJSON appends the answer as the JSON that docs/api.md documents:
// numbers in their shortest round-tripping form, integers without an
// exponent, and non-finite numbers as the strings "NaN", "Infinity" and
// "-Infinity".
func (r *ChartResult) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"x":`...)
	dst = appendString(dst, r.X)
	dst = append(dst, `,"mode":`...)
	dst = appendString(dst, r.Mode)
	if r.HasRange {
		dst = append(dst, `,"x_min":`...)
		dst = appendFloat(dst, r.XMin)
		dst = append(dst, `,"x_max":`...)
		dst = appendFloat(dst, r.XMax)
	} else {
		dst = append(dst, `,"x_min":null,"x_max":null`...)
	}
	dst = append(dst, `,"series":[`...)
	dst = appendSeriesJSON(dst, r.Series, runtime.GOMAXPROCS(0))
	dst = append(dst, ']')
	if r.Groups != nil {
		dst = append(dst, `,"groups":[`...)
		for i := range r.Groups {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = r.Groups[i].appendJSON(dst)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// parallelJSONPoints is the size from which appendSeriesJSON splits the
// work: below it, starting goroutines and joining their parts costs more
// than it saves.
const parallelJSONPoints = 20_000

// jsonBytesPerPoint estimates a point's share of the answer (an x, a y, a
// step when x is not _step), to size buffers once.
const jsonBytesPerPoint = 28

// appendSeriesJSON appends the series' objects, comma-separated. A big
// answer is encoded in parts on up to workers goroutines, cut where the
// points are shared evenly, and the parts are joined in order: formatting
// the floats is most of the cost of an answer (about 30 ns a value, 10 MB
// for 100 runs at width 1000), and each series formats independently.
func appendSeriesJSON(dst []byte, ss []Series, workers int) []byte {
	points := 0
	for i := range ss {
		points += len(ss[i].X)
	}
	dst = slices.Grow(dst, points*jsonBytesPerPoint+len(ss)*128)
	parts := min(workers, len(ss))
	if parts < 2 || points < parallelJSONPoints {
		return appendSeriesRange(dst, ss, 0, len(ss))
	}

	// cuts[p] is the first series of part p.
	cuts := make([]int, parts+1)
	cuts[parts] = len(ss)
	for i, seen, p := 0, 0, 1; i < len(ss) && p < parts; i++ {
		seen += len(ss[i].X)
		for p < parts && seen >= points*p/parts {
			cuts[p] = i + 1
			p++
		}
	}

	bufs := make([][]byte, parts)
	var wg sync.WaitGroup
	for p := 1; p < parts; p++ {
		wg.Go(func() {
			buf := make([]byte, 0, (points/parts)*jsonBytesPerPoint)
			bufs[p] = appendSeriesRange(buf, ss, cuts[p], cuts[p+1])
		})
	}
	dst = appendSeriesRange(dst, ss, cuts[0], cuts[1])
	wg.Wait()
	for _, b := range bufs[1:] {
		dst = append(dst, b...)
	}
	return dst
}

// appendSeriesRange appends series [from, to) of ss, each preceded by a
// comma unless it is the first of ss.
func appendSeriesRange(dst []byte, ss []Series, from, to int) []byte {
	for i := from; i < to; i++ {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = ss[i].appendJSON(dst)
	}
	return dst
}

func (s *Series) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"run":`...)
	dst = appendString(dst, s.Run)
	dst = append(dst, `,"key":`...)
	dst = appendString(dst, s.Key)
	dst = append(dst, `,"count":`...)
	dst = appendInt(dst, int64(s.Count))
	dst = append(dst, `,"non_finite":`...)
	dst = appendInt(dst, int64(s.NonFinite))
	dst = appendFloats(append(dst, `,"x":`...), s.X)
	dst = appendFloats(append(dst, `,"y":`...), s.Y)
	if s.Steps != nil {
		dst = append(dst, `,"steps":[`...)
		for i, v := range s.Steps {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendInt(dst, v)
		}
		dst = append(dst, ']')
	}
	if s.Smoothed != nil {
		dst = appendFloats(append(dst, `,"smoothed_y":`...), s.Smoothed)
	}
	return append(dst, '}')
}

func (g *Group) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"group":`...)
	dst = appendString(dst, g.Name)
	dst = append(dst, `,"key":`...)
	dst = appendString(dst, g.Key)
	dst = append(dst, `,"runs":[`...)
	for i, r := range g.Runs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, r)
	}
	dst = append(dst, ']')
	dst = appendFloats(append(dst, `,"x":`...), g.X)
	dst = appendFloats(append(dst, `,"y":`...), g.Y)
	dst = appendFloats(append(dst, `,"band_low":`...), g.Low)
	dst = appendFloats(append(dst, `,"band_high":`...), g.High)
	dst = append(dst, `,"n":[`...)
	for i, n := range g.N {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendInt(dst, int64(n))
	}
	return append(dst, "]}"...)
}

func appendFloats(dst []byte, vs []float64) []byte {
	dst = append(dst, '[')
	for i, v := range vs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendFloat(dst, v)
	}
	return append(dst, ']')
}

// appendFloat appends v as a JSON number, or as a string when it is not
// finite. Integers take a shortcut, except -0, whose sign must survive.
// Other numbers are written as strconv's shortest 'g' form, byte for
// byte, by appendShortest in about half of strconv's time.
func appendFloat(dst []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(dst, `"NaN"`...)
	case math.IsInf(v, 1):
		return append(dst, `"Infinity"`...)
	case math.IsInf(v, -1):
		return append(dst, `"-Infinity"`...)
	case v == math.Trunc(v) && math.Abs(v) < 1e15 && v != 0:
		return appendInt(dst, int64(v))
	case v == 0 && !math.Signbit(v):
		return append(dst, '0')
	}
	return appendShortest(dst, v)
}

// appendInt appends v in decimal, as strconv.AppendInt(dst, v, 10) does.
func appendInt(dst []byte, v int64) []byte {
	if v < 0 {
		// -v overflows for the smallest int64, whose uint64 is its magnitude.
		return appendUint(append(dst, '-'), uint64(-v))
	}
	return appendUint(dst, uint64(v))
}

// appendUint appends d in decimal. It writes the digits in place, eight at
// a time, where strconv formats them into a buffer of its own and copies
// them: the x of every point of a chart over steps is an integer, and
// this halves their share of an answer's encoding.
func appendUint(dst []byte, d uint64) []byte {
	if d < 10 {
		return append(dst, byte('0'+d))
	}
	n := len(dst)
	if cap(dst)-n < maxFloatLen {
		dst = slices.Grow(dst, maxFloatLen)
	}
	nd := decimalLen(d)
	putDigits(dst[n:n+maxFloatLen], d, nd)
	return dst[:n+nd]
}

// appendString appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				dst = append(dst, `\ufffd`...)
			} else {
				dst = append(dst, s[i:i+n]...)
			}
			i += n
			continue
		}
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20 || c == '<' || c == '>' || c == '&':
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		default:
			dst = append(dst, c)
		}
		i++
	}
	return append(dst, '"')
}
