// Package block encodes a sealed block of one series: its points (steps and
// values), compressed column by column, and apart from them its statistics
// and summary pyramid (a Bucket per PyramidSpan points), which let readers
// answer chart queries without decoding points.
//
// # Format
//
// A block (docs/format/block.md has the full diagram and the figures that
// chose it):
//
//	byte     version (1)
//	uvarint  n, the point count, at most MaxPoints; nothing follows when 0
//	steps    integer column of the n steps
//	values   value column of the n values
//
// An integer column holds int64s as their 0th, 1st or 2nd differences
// (evenly spaced steps become all zeros), minus their smallest difference,
// in a section:
//
//	byte     order d; d varint seeds; varint base
//	byte     width w in bytes | packing << 4
//	         packing 0: the n-d values, w bytes each, byte plane by plane
//	         packing 1: uvarint length, zstd frame of those planes
//
// A value column starts with a mode byte: decimal (a byte e, exceptions,
// then an integer column of k with value = float64(k) / 10^e exactly),
// float32 (exceptions, then an integer column of float32 bits) or float64
// (an integer column of float64 bits). Exceptions, the values a mode cannot
// hold, are a uvarint count, then per exception a uvarint index gap and its
// 8 bytes little endian.
//
// A summary (AppendSummary) is a version byte (1), the Stats (varints and 5
// raw float64s), a uvarint bucket count, eight integer columns of the
// buckets' counts and steps, and one value column of their First, Last, Min
// and Max values.
//
// # Concurrency
//
// Every function is safe for concurrent use: the zstd encoder and decoder
// are shared and safe, and scratch buffers come from a sync.Pool.
//
// # Invariants
//
//   - Decode(Encode(steps, values)) returns the same steps and the same
//     values bit for bit: NaN payloads, infinities, -0.0 and subnormals
//     included.
//   - Encode is deterministic: the same points give the same bytes.
//   - Decode never panics and never allocates more than a few MB, whatever
//     its input: counts are checked against MaxPoints and the bytes left,
//     zstd output is capped at the size the section header announces.
//     Input that does not decode yields an error wrapping ErrCorrupt.
//   - A decimal value round-trips through the decoder's own formula: the
//     encoder checks float64(k)/10^e against the value's bits before it
//     relies on it, and anything else is an exception.
package block
