// Package ingest parses the body of a history request into engine rows,
// fast: a byte scanner written for the one shape a history row has,
// instead of a general JSON decoder.
//
// A row is a JSON object: "_step" (an integer >= 0, or absent or null for
// the run's last step + 1), "_timestamp" (seconds since the epoch, a
// finite number, or absent or null for the server's clock) and metric
// keys. A metric value is a number, true (1) or false (0), null (skipped),
// one of the strings "NaN", "Infinity", "-Infinity", or one of the bare
// tokens NaN, Infinity, -Infinity that Python's json module writes. Every
// other value (other strings, objects, arrays) is refused with an error
// naming the row and the key.
//
// Two framings: FormatJSON, {"rows": [row, ...]} (a bare array of rows is
// accepted too), and FormatNDJSON, one row per line.
//
// Keys are interned: each distinct key is allocated once per Parser, not
// once per row. A Parser reuses its buffers from one Parse to the next, so
// parsing a batch allocates almost nothing once the Parser is warm.
//
// # Design note
//
// encoding/json decoding into []map[string]any allocates for every key and
// value and runs at about 40 MB/s here; valyala/fastjson is fast but refuses
// the bare NaN and Infinity tokens. The scanner here allocates nothing per
// value. Member names are compared with the names of the previous row
// before they are scanned. Numbers in strict JSON form with up to 19
// significant digits (what Python writes for float64 and widened float32
// values, with or without an exponent) are converted in integer arithmetic:
// one float64 division when that is exact, else a 64 x 128-bit product with
// a table of powers of ten, correctly rounded (see toFloat); strconv.ParseFloat
// takes the rest. BenchmarkParseNDJSON (16 metrics a row) and
// BenchmarkParseMixed (rows like the benchmark's) take about 100 ns of CPU
// per point on the shared 2-core machine; docs/performance-engine.md has
// the figures and what they were before.
package ingest
