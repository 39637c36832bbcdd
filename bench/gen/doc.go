// Package gen generates realistic training curves for benchmarks and tests.
//
// A curve is a metric of one run as a training script would log it: a
// noisy, decaying loss; an accuracy that saturates towards a ceiling; a
// learning-rate schedule with warm-up and cosine decay; a gradient norm with
// heavy-tailed noise. Every curve is deterministic for its seed.
//
// How a value was written matters as much as its shape, because that is what
// a codec sees: a Format says whether the logger kept full float64 noise
// (averages computed in Python), float32 widened to float64 (TensorBoard and
// most frameworks), or a short decimal (text loggers that print four
// decimals). A curve may also start with NaN, as losses do during a mixed
// precision warm-up.
//
// The defaults follow what the real logs under shared/data/training-curves
// show: evenly spaced integer steps, about two thirds of values short
// decimals, most points in long series.
package gen
