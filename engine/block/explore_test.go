package block

import (
	"sort"
	"strings"
	"testing"
)

func TestExplore(t *testing.T) {
	bs := blocks(loadCurves(t), realBlockSize)
	type agg struct {
		pts, stepB, valB, blocks int
		modes                    [4]int
	}
	m := map[string]*agg{}
	total := &agg{}
	s := getScratch()
	for _, b := range bs {
		name := b.name[strings.IndexByte(b.name, ':')+1:]
		if i := strings.IndexByte(name, '#'); i >= 0 {
			name = name[:i]
		}
		if strings.Contains(b.name, "detectron") {
			name = "d2"
		}
		a := m[name]
		if a == nil {
			a = &agg{}
			m[name] = a
		}
		hdr := len(Encode(nil, b.steps[:0], b.values[:0]))
		st := appendInts(nil, b.steps, s)
		vals := appendValues(nil, b.values, s)
		for _, x := range []*agg{a, total} {
			x.pts += len(b.steps)
			x.stepB += len(st) + hdr
			x.valB += len(vals)
			x.blocks++
			x.modes[vals[0]]++
		}
	}
	names := []string{}
	for k := range m {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool { return m[names[i]].valB > m[names[j]].valB })
	m["TOTAL"] = total
	names = append(names, "TOTAL")
	for _, k := range names {
		a := m[k]
		if a.pts < 1000 {
			continue
		}
		t.Logf("%-24s pts %8d blocks %5d  steps %.3f values %.3f  total %.3f modes %v", k, a.pts, a.blocks,
			float64(a.stepB)/float64(a.pts), float64(a.valB)/float64(a.pts), float64(a.stepB+a.valB)/float64(a.pts), a.modes)
	}
}
