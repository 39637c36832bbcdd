package query

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
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
		return RunsPage{}, fmt.Errorf("sort: %v: %w", err, engine.ErrInvalid)
	}
	limit := q.Limit
	if limit == 0 {
		limit = DefaultRunsLimit
	}
	if limit < 0 || limit > MaxRunsLimit {
		return RunsPage{}, fmt.Errorf("limit: must be 1 to %d: %w", MaxRunsLimit,
			engine.ErrInvalid)
	}

	type entry struct {
		key sortKey
		run *engine.Run
	}
	picked := make([]entry, 0, len(runs))
	for _, r := range runs {
		if expr.Match(r) {
			picked = append(picked, entry{keyOf(field.Value(r), r.ID), r})
		}
	}
	slices.SortFunc(picked, func(a, b entry) int { return compareKeys(a.key, b.key, q.Desc) })

	start := 0
	if q.Cursor != "" {
		after, err := decodeCursor(q.Cursor, sortPath, q.Desc)
		if err != nil {
			return RunsPage{}, err
		}
		start = sort.Search(len(picked), func(i int) bool {
			return compareKeys(picked[i].key, after, q.Desc) > 0
		})
	}
	end := min(start+limit, len(picked))
	if q.All {
		start, end = 0, len(picked)
	}
	page := RunsPage{Runs: make([]*engine.Run, 0, end-start)}
	for _, e := range picked[start:end] {
		page.Runs = append(page.Runs, e.run)
	}
	if end < len(picked) {
		page.Next = encodeCursor(sortPath, q.Desc, picked[end-1].key)
	}
	return page, nil
}
