package gen

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/sextant-ml/sextant/bench/workload"
)

// Shape is the form of a curve over training.
type Shape int

// Shapes of curves.
const (
	Loss         Shape = iota // decays from about 10 to a floor near 2, noisy, rare spikes
	Accuracy                  // rises from chance towards a ceiling below 1
	LearningRate              // linear warm-up, then cosine decay; no noise
	GradNorm                  // decaying, with heavy-tailed noise
	Throughput                // tokens per second: steady level with jitter
)

// Format is how a logger wrote a value.
type Format int

// Formats of values.
const (
	Float64 Format = iota // full float64 noise
	Float32               // float32 widened to float64
	Decimal               // a short decimal, Spec.Decimals digits after the point
)

// Spec describes one curve.
type Spec struct {
	Key      string
	Shape    Shape
	Format   Format
	Decimals int // digits after the point when Format is Decimal
	// NaNWarmup is the number of leading points that are NaN.
	NaNWarmup int
	Seed      uint64
}

// Curve computes the value of a spec at each of steps, where total is the
// length of training in steps (the scale of decays and schedules), and
// appends them to dst.
func (s Spec) Curve(dst []float64, steps []int64, total int64) []float64 {
	rng := rand.New(rand.NewPCG(s.Seed, uint64(s.Shape)+1))
	p := newParams(s.Shape, rng)
	scale := 1 / float64(max(total, 1))
	for i, step := range steps {
		v := p.at(float64(step)*scale, rng)
		if i < s.NaNWarmup {
			v = math.NaN()
		}
		dst = append(dst, s.write(v))
	}
	return dst
}

// write rounds v as the spec's logger would have written it.
func (s Spec) write(v float64) float64 {
	switch s.Format {
	case Float32:
		return float64(float32(v))
	case Decimal:
		// k / 10^d is exact in both operands, so the quotient is the
		// float64 nearest the decimal: what parsing its text gives.
		p := math.Pow10(s.Decimals)
		return math.Round(v*p) / p
	}
	return v
}

// Steps appends n evenly spaced steps, start, start+every, ..., to dst.
func Steps(dst []int64, start, every int64, n int) []int64 {
	for i := range n {
		dst = append(dst, start+int64(i)*every)
	}
	return dst
}

// Series generates the curve of spec at n evenly spaced steps from 0.
func Series(spec Spec, n int, every int64) workload.Series {
	steps := Steps(make([]int64, 0, n), 0, every, n)
	total := int64(n) * every
	return workload.Series{
		Key:    spec.Key,
		Steps:  steps,
		Values: spec.Curve(make([]float64, 0, n), steps, total),
	}
}

// RunSpecs returns the specs of a typical run with k keys: the first ten are
// a loss logged by a text logger, framework metrics as widened float32 and
// Python averages as float64; keys past ten repeat the pattern with numbered
// names. Seeds derive from seed, so runs differ from each other.
func RunSpecs(seed uint64, k int) []Spec {
	base := []Spec{
		{Key: "train/loss", Shape: Loss, Format: Decimal, Decimals: 4, NaNWarmup: 3},
		{Key: "train/accuracy", Shape: Accuracy, Format: Float32},
		{Key: "train/lr", Shape: LearningRate, Format: Float32},
		{Key: "train/grad_norm", Shape: GradNorm, Format: Float32},
		{Key: "train/tokens_per_sec", Shape: Throughput, Format: Decimal, Decimals: 1},
		{Key: "train/loss_avg", Shape: Loss, Format: Float64},
		{Key: "val/loss", Shape: Loss, Format: Decimal, Decimals: 4},
		{Key: "val/accuracy", Shape: Accuracy, Format: Float64},
		{Key: "system/gpu_util", Shape: Throughput, Format: Decimal, Decimals: 0},
		{Key: "train/loss_fp32", Shape: Loss, Format: Float32},
	}
	specs := make([]Spec, k)
	for i := range specs {
		specs[i] = base[i%len(base)]
		if i >= len(base) {
			specs[i].Key = fmt.Sprintf("%s_%d", specs[i].Key, i/len(base))
		}
		specs[i].Seed = seed*1_000_003 + uint64(i)
	}
	return specs
}

// Run generates a run of k dense keys at n evenly spaced steps.
func Run(id string, seed uint64, k, n int, every int64) workload.Run {
	run := workload.Run{ID: id}
	for _, spec := range RunSpecs(seed, k) {
		run.Series = append(run.Series, Series(spec, n, every))
	}
	return run
}
