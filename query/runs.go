package query

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/query/filter"
)

// Limits of a runs listing.
const (
	DefaultRunsLimit = 100
	MaxRunsLimit     = 10_000
)

// RunsQuery selects, orders and pages the runs of a project.
type RunsQuery struct {
	Filter string // the filter language of package filter; empty: every run
	Sort   string // a field path; empty: created
	Desc   bool
	Limit  int    // 0 means DefaultRunsLimit
	Cursor string // the Next of the previous page
	All    bool   // every matching run in one page: Limit and Cursor unused
}

// RunsPage is one page of runs and the cursor of the next, "" at the end.
type RunsPage struct {
	Runs []*engine.Run
	Next string
}

// sortKey is a run's sort field reduced to something cheap to compare:
// numbers, times and booleans first, then strings, then runs without the
// field (or with NaN), whatever the direction.
type sortKey struct {
	class uint8 // 0 number, 1 string, 2 missing
	num   float64
	str   string
	id    string
}

func keyOf(v filter.Value, id string) sortKey {
	switch v.Kind {
	case filter.Number, filter.Time, filter.Bool:
		if math.IsNaN(v.Num) {
			return sortKey{class: 2, id: id}
		}
		return sortKey{num: v.Num, id: id}
	case filter.String:
		return sortKey{class: 1, str: v.Str, id: id}
	case filter.Missing, filter.Null:
		return sortKey{class: 2, id: id}
	}
	return sortKey{class: 1, str: v.String(), id: id}
}

// compareKeys orders two keys in the listing's direction; missing values
// stay last and ties go to the smaller id either way.
func compareKeys(a, b sortKey, desc bool) int {
	if a.class != b.class {
		return int(a.class) - int(b.class)
	}
	c := 0
	switch a.class {
	case 0:
		if a.num < b.num {
			c = -1
		} else if a.num > b.num {
			c = 1
		}
	case 1:
		c = strings.Compare(a.str, b.str)
	}
	if desc {
		c = -c
	}
	if c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

// cursor is the position after the last run of a page, bound to the sort
// it was made for.
type cursor struct {
	Sort  string  `json:"s"`
	Desc  bool    `json:"d,omitempty"`
	Class uint8   `json:"c"`
	Num   float64 `json:"n,omitempty"`
	Str   string  `json:"t,omitempty"`
	ID    string  `json:"i"`
}

func encodeCursor(sortPath string, desc bool, k sortKey) string {
	b, _ := json.Marshal(cursor{Sort: sortPath, Desc: desc, Class: k.class, Num: k.num,
		Str: k.str, ID: k.id})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s, sortPath string, desc bool) (sortKey, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.Sort != sortPath || c.Desc != desc {
		return sortKey{}, fmt.Errorf("cursor: not a cursor of this sort: %w", engine.ErrInvalid)
	}
	return sortKey{class: c.Class, num: c.Num, str: c.Str, id: c.ID}, nil
}

// SelectRuns filters, sorts and pages runs. It does not modify runs.
func SelectRuns(runs []*engine.Run, q RunsQuery) (RunsPage, error) {
	expr, err := filter.Parse(q.Filter)
	if err != nil {
		return RunsPage{}, fmt.Errorf("filter: %w", err)
	}
	sortPath := q.Sort
	if sortPath == "" {
		sortPath = "created"
	}
	field, err := filter.ParseField(sortPath)
	if err != nil {
		return RunsPage{}, fmt.Errorf("sort: %w", err)
	}
	limit := q.Limit
	if limit == 0 {
		limit = DefaultRunsLimit
	}
	if limit < 0 || limit > MaxRunsLimit {
		return RunsPage{}, fmt.Errorf("limit: must be 1 to %d: %w", MaxRunsLimit,
			engine.ErrInvalid)
	}

	var after *sortKey
	if q.Cursor != "" {
		k, err := decodeCursor(q.Cursor, sortPath, q.Desc)
		if err != nil {
			return RunsPage{}, err
		}
		after = &k
	}
	if q.All {
		limit = len(runs)
	}
	picked := make([]runEntry, 0, min(len(runs), 1024))
	for _, r := range runs {
		if !expr.Match(r) {
			continue
		}
		e := runEntry{keyOf(field.Value(r), r.ID), r}
		if after == nil || compareKeys(e.key, *after, q.Desc) > 0 {
			picked = append(picked, e)
		}
	}
	first, more := firstN(picked, limit, q.Desc)
	page := RunsPage{Runs: make([]*engine.Run, len(first))}
	for i, e := range first {
		page.Runs[i] = e.run
	}
	if more && len(first) > 0 {
		page.Next = encodeCursor(sortPath, q.Desc, first[len(first)-1].key)
	}
	return page, nil
}

// runEntry is a run with its sort key.
type runEntry struct {
	key sortKey
	run *engine.Run
}

// firstN returns the n first entries in order, and whether there were
// more. A full sort costs too much for a page of 100 out of 100,000 runs,
// so it keeps the n best in a max-heap instead.
func firstN(es []runEntry, n int, desc bool) ([]runEntry, bool) {
	cmp := func(a, b runEntry) int { return compareKeys(a.key, b.key, desc) }
	if len(es) <= n || n >= len(es)/4 {
		slices.SortFunc(es, cmp)
		return es[:min(n, len(es))], len(es) > n
	}
	h := es[:0:0]
	h = slices.Grow(h, n)
	for _, e := range es {
		if len(h) < n {
			h = append(h, e)
			siftUp(h, len(h)-1, cmp)
			continue
		}
		if cmp(e, h[0]) < 0 {
			h[0] = e
			siftDown(h, 0, cmp)
		}
	}
	slices.SortFunc(h, cmp)
	return h, true
}

// siftUp and siftDown keep h a max-heap under cmp.
func siftUp(h []runEntry, i int, cmp func(a, b runEntry) int) {
	for i > 0 {
		parent := (i - 1) / 2
		if cmp(h[i], h[parent]) <= 0 {
			return
		}
		h[i], h[parent] = h[parent], h[i]
		i = parent
	}
}

func siftDown(h []runEntry, i int, cmp func(a, b runEntry) int) {
	for {
		big := i
		for _, c := range [2]int{2*i + 1, 2*i + 2} {
			if c < len(h) && cmp(h[c], h[big]) > 0 {
				big = c
			}
		}
		if big == i {
			return
		}
		h[i], h[big] = h[big], h[i]
		i = big
	}
}
