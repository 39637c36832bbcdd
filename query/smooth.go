package query

import "math"

// smooth returns the smoothed y of pts (finite y, in x order), one value
// per point.
func smooth(s Smoothing, pts []point) []float64 {
	out := make([]float64, len(pts))
	if len(pts) == 0 {
		return out
	}
	switch s.Type {
	case "ema":
		emaDebiased(pts, s.Weight, out)
	case "twema":
		emaTimeWeighted(pts, s.Weight, out)
	case "mean":
		runningMean(pts, s.Window, out)
	case "gaussian":
		gaussian(pts, s.Sigma, out)
	default:
		panic("query: unknown smoothing " + s.Type)
	}
	return out
}

// emaDebiased is TensorBoard's smoothing: an exponential moving average
// started at 0 and divided by 1 - weight^n, n the points seen so far, so
// the first points are not pulled towards 0. A constant series is left as
// it is.
func emaDebiased(pts []point, w float64, out []float64) {
	constant := true
	for _, p := range pts {
		constant = constant && p.y == pts[0].y
	}
	last, wn := 0.0, 1.0
	for i, p := range pts {
		if constant {
			out[i] = p.y
			continue
		}
		last = last*w + (1-w)*p.y
		wn *= w
		out[i] = last / (1 - wn)
	}
}

// emaTimeWeighted weighs earlier points by weight^(dx/u), dx their distance
// in x and u a thousandth of the visible x range, and divides by the sum of
// the weights: irregular x spacing is honoured and no start value is
// assumed (W&B's default smoothing works the same way).
func emaTimeWeighted(pts []point, w float64, out []float64) {
	u := (pts[len(pts)-1].x - pts[0].x) / 1000
	if !(u > 0) {
		u = 1
	}
	num, den := 0.0, 0.0
	for i, p := range pts {
		if i > 0 {
			d := math.Pow(w, (p.x-pts[i-1].x)/u)
			num, den = num*d, den*d
		}
		num += p.y
		den++
		out[i] = num / den
	}
}

// runningMean averages each point with the window-1 points before it (fewer
// at the start).
func runningMean(pts []point, window int, out []float64) {
	sum := 0.0
	for i, p := range pts {
		sum += p.y
		if i >= window {
			sum -= pts[i-window].y
		}
		out[i] = sum / float64(min(i+1, window))
	}
}

// gaussian averages each point's neighbours within 3 sigma (in points),
// weighted by a normal kernel renormalised where the series ends.
func gaussian(pts []point, sigma float64, out []float64) {
	r := int(math.Ceil(3 * sigma))
	kernel := make([]float64, r+1)
	for d := range kernel {
		kernel[d] = math.Exp(-float64(d*d) / (2 * sigma * sigma))
	}
	for i := range pts {
		num, den := 0.0, 0.0
		for j := max(0, i-r); j <= min(len(pts)-1, i+r); j++ {
			k := kernel[abs(i-j)]
			num += k * pts[j].y
			den += k
		}
		out[i] = num / den
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
