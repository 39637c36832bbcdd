package query

import "math"

// lttb picks at most n of pts (Largest Triangle Three Buckets): the first
// and last point, and from each of n-2 equal buckets between them the point
// that makes the largest triangle with the point picked before and the
// mean of the next bucket. It returns indices into pts.
func lttb(pts []point, n int) []int {
	if n >= len(pts) || n < 3 {
		out := make([]int, 0, min(len(pts), max(n, 2)))
		for i := range pts {
			if n >= len(pts) || i == 0 || i == len(pts)-1 {
				out = append(out, i)
			}
		}
		return out
	}
	out := make([]int, 0, n)
	out = append(out, 0)
	size := float64(len(pts)-2) / float64(n-2)
	a := 0
	for b := 0; b < n-2; b++ {
		lo := int(float64(b)*size) + 1
		hi := int(float64(b+1)*size) + 1
		nlo, nhi := hi, min(int(float64(b+2)*size)+1, len(pts))
		if b == n-3 {
			nlo, nhi = len(pts)-1, len(pts)
		}
		mx, my := 0.0, 0.0
		for _, p := range pts[nlo:nhi] {
			mx += p.x
			my += p.y
		}
		mx /= float64(nhi - nlo)
		my /= float64(nhi - nlo)
		best, bestArea := lo, -1.0
		for i := lo; i < hi; i++ {
			area := math.Abs((pts[a].x-mx)*(pts[i].y-pts[a].y) -
				(pts[a].x-pts[i].x)*(my-pts[a].y))
			if area > bestArea {
				best, bestArea = i, area
			}
		}
		out = append(out, best)
		a = best
	}
	return append(out, len(pts)-1)
}
