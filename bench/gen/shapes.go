package gen

import (
	"math"
	"math/rand/v2"
)

// params are the random constants of one curve, drawn once from its seed.
type params struct {
	shape Shape
	// start, floor: the value at the beginning and the asymptote.
	start, floor float64
	// rate of exponential decay per unit of training (0..1).
	rate float64
	// noise is the relative standard deviation of the noise.
	noise float64
	// spike is the probability that a point is a spike.
	spike float64
	// warmup is the fraction of training spent warming up (learning rate).
	warmup float64
}

func newParams(shape Shape, rng *rand.Rand) params {
	p := params{shape: shape}
	switch shape {
	case Loss:
		p.start = 8 + 4*rng.Float64()
		p.floor = 1.8 + 1.2*rng.Float64()
		p.rate = 6 + 8*rng.Float64()
		p.noise = 0.01 + 0.03*rng.Float64()
		p.spike = 0.0005
	case Accuracy:
		p.start = 0.1
		p.floor = 0.85 + 0.13*rng.Float64()
		p.rate = 4 + 6*rng.Float64()
		p.noise = 0.005 + 0.01*rng.Float64()
	case LearningRate:
		p.start = 3e-4 * (0.5 + rng.Float64())
		p.floor = p.start / 100
		p.warmup = 0.01 + 0.04*rng.Float64()
	case GradNorm:
		p.start = 5 + 10*rng.Float64()
		p.floor = 0.3 + 0.4*rng.Float64()
		p.rate = 3 + 5*rng.Float64()
		p.noise = 0.2
	case Throughput:
		p.start = 90_000 + 60_000*rng.Float64()
		p.noise = 0.02
	}
	return p
}

// at returns the value at training fraction t in [0, 1].
func (p params) at(t float64, rng *rand.Rand) float64 {
	switch p.shape {
	case Loss:
		v := p.floor + (p.start-p.floor)*math.Exp(-p.rate*t)
		v *= 1 + p.noise*rng.NormFloat64()
		if rng.Float64() < p.spike {
			v *= 1.5 + rng.Float64()
		}
		return v
	case Accuracy:
		v := p.floor - (p.floor-p.start)*math.Exp(-p.rate*t)
		return min(1, max(0, v+p.noise*rng.NormFloat64()))
	case LearningRate:
		if t < p.warmup {
			return p.start * t / p.warmup
		}
		c := (t - p.warmup) / (1 - p.warmup)
		return p.floor + (p.start-p.floor)*0.5*(1+math.Cos(math.Pi*min(c, 1)))
	case GradNorm:
		v := p.floor + (p.start-p.floor)*math.Exp(-p.rate*t)
		return v * math.Exp(p.noise*rng.NormFloat64())
	case Throughput:
		return p.start * (1 + p.noise*rng.NormFloat64())
	}
	panic("gen: unknown shape")
}
