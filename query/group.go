package query

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/query/filter"
)

// groupLabeler returns what gives the groups a run belongs to: one for most fields,
// one per tag when grouping by tag ("" for an untagged run).
func groupLabeler(by string) (func(r *engine.Run) []string, error) {
	switch by {
	case "tag", "tags":
		return func(r *engine.Run) []string {
			if len(r.Tags) == 0 {
				return []string{""}
			}
			return r.Tags
		}, nil
	}
	f, err := filter.ParseField(by)
	if err != nil {
		return nil, fmt.Errorf("grouping.by: %w", err)
	}
	return func(r *engine.Run) []string { return []string{f.Value(r).String()} }, nil
}

// groupSeries aggregates the series of each group of runs, key by key.
// Alignment: runs are matched column by column; in each pixel column every
// member with a finite point there contributes its last point (smoothed
// when smoothing is on), and columns where no member has a point are left
// out, so no value is interpolated.
func groupSeries(q ChartRequest, g grid, runs []*engine.Run, series []Series) ([]Group, error) {
	label, err := groupLabeler(q.Grouping.By)
	if err != nil {
		return nil, err
	}
	type groupKey struct{ label, key string }
	members := map[groupKey][]*Series{}
	var order []groupKey
	for i := range series {
		s := &series[i]
		r := runs[i/len(q.Keys)]
		for _, l := range label(r) {
			gk := groupKey{l, s.Key}
			if _, ok := members[gk]; !ok {
				order = append(order, gk)
			}
			members[gk] = append(members[gk], s)
		}
	}
	slices.SortStableFunc(order, func(a, b groupKey) int {
		if a.label != b.label {
			return strings.Compare(a.label, b.label)
		}
		return slices.Index(q.Keys, a.key) - slices.Index(q.Keys, b.key)
	})
	groups := make([]Group, 0, len(order))
	for _, gk := range order {
		groups = append(groups, aggregateGroup(gk.label, gk.key, members[gk], *q.Grouping))
	}
	return groups, nil
}

func aggregateGroup(name, key string, ms []*Series, how Grouping) Group {
	gr := Group{Name: name, Key: key}
	var all []colPoint
	for _, s := range ms {
		gr.Runs = append(gr.Runs, s.Run)
		all = append(all, s.cols...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].c < all[j].c })
	ys := make([]float64, 0, len(ms))
	for lo := 0; lo < len(all); {
		hi := lo
		sumX := 0.0
		ys = ys[:0]
		for ; hi < len(all) && all[hi].c == all[lo].c; hi++ {
			sumX += all[hi].x
			ys = append(ys, all[hi].y)
		}
		center, low, high := aggregate(ys, how)
		gr.X = append(gr.X, sumX/float64(hi-lo))
		gr.Y = append(gr.Y, center)
		gr.Low = append(gr.Low, low)
		gr.High = append(gr.High, high)
		gr.N = append(gr.N, hi-lo)
		lo = hi
	}
	return gr
}

// aggregate returns the center line and band of one column's values.
func aggregate(ys []float64, how Grouping) (center, low, high float64) {
	n := float64(len(ys))
	mean := 0.0
	for _, y := range ys {
		mean += y / n
	}
	center = mean
	if how.Agg == "median" {
		slices.Sort(ys)
		m := len(ys) / 2
		center = ys[m]
		if len(ys)%2 == 0 {
			center = (ys[m-1] + ys[m]) / 2
		}
	}
	switch how.Band {
	case "minmax":
		return center, slices.Min(ys), slices.Max(ys)
	case "std", "stderr":
		v := 0.0
		for _, y := range ys {
			v += (y - mean) * (y - mean) / n
		}
		sd := math.Sqrt(v)
		if how.Band == "stderr" {
			sd /= math.Sqrt(n)
		}
		return center, center - sd, center + sd
	}
	return center, center, center
}
