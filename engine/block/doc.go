// Package block encodes a sealed block of one series: its points (steps and
// values), compressed column by column, and apart from them its statistics
// and summary pyramid (a Bucket per PyramidSpan points), which let readers
// answer chart queries without decoding points.
//
// # Format
//
// docs/format/block.md has the full diagrams and the figures that chose
// them. A block:
//
//	byte     version (1)
//	uvarint  n, the point count, at most MaxPoints; nothing follows when 0
//	ints     integer column of the n steps
//	values   value column of the n values
//
// An integer column (ints.go) holds int64s as their 0th, 1st or 2nd
// differences, whichever looks smallest, minus their smallest difference;
// evenly spaced steps become a width of 0 and cost a few bytes in all:
//
//	byte     width w (bits 0-3) | packing (bits 4-5) | order d (bits 6-7)
//	varint   d seeds, then the base
//	planes   n-d unsigned values of w bytes, byte plane by plane, raw or
//	         each plane in its own zstd frame (section.go)
//
// A value column (values.go) starts with a mode byte:
//
//	decimal  byte e, exceptions, integer column of k: value = k / 10^e
//	         bit for bit; exceptions hold NaN, infinities, -0.0 and values
//	         with more decimals, as their raw 8 bytes (decimal.go)
//	float    byte t, a bitmap of the values with t trailing zero bits, an
//	         integer column of their bits >> t, and one of the others'
//	         bits (floats.go)
//
// A summary (summary.go) is a version byte (1), a uvarint bucket count,
// a flags byte, eight integer columns of the buckets' counts and steps, one
// value column of their First, Last, Min and Max values (a Min or Max at an
// end of its bucket is left out), then the Sum; the other statistics follow
// from the pyramid.
//
// # Decoding
//
// Decode appends every point of a block; DecodeRange appends points
// [lo, hi) only, at the price of inflating the block's zstd planes whole
// (the rest of the work is proportional to hi, or to hi-lo for most
// columns); PointCount reads the count from the header. All three append to
// the caller's slices and allocate only when those lack capacity.
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
//     included. So does DecodeSummary(AppendSummary(Summarize(...))).
//   - Encode is deterministic: the same points give the same bytes.
//   - Decode and DecodeSummary never panic and never allocate more than a
//     few MB, whatever their input: counts are checked against MaxPoints and
//     the bytes left, and zstd output is capped at the size of its plane.
//     Input that does not decode yields an error wrapping ErrCorrupt.
//   - A decimal value is stored only after the encoder has checked that the
//     decoder's formula, float64(k) / 10^e, gives back its exact bits.
package block
