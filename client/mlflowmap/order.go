package mlflowmap

import (
	"fmt"
	"strings"
)

// Order is a parsed list of MLflow order_by terms ("metrics.acc DESC",
// "attributes.start_time"); runs tie-break on start_time, newest first, as
// MLflow does.
type Order []orderKey

type orderKey struct {
	entity, key string
	desc        bool
}

// ParseOrder parses order_by terms.
func ParseOrder(terms []string) (Order, error) {
	var o Order
	for _, term := range terms {
		toks, err := tokenize(term)
		if err != nil {
			return nil, err
		}
		entity, key, rest, err := parseIdent(toks)
		if err != nil {
			return nil, fmt.Errorf("order_by %q: %w", term, err)
		}
		k := orderKey{entity: entity, key: key}
		if len(rest) == 1 && strings.EqualFold(rest[0].text, "desc") {
			k.desc = true
		} else if len(rest) > 1 || len(rest) == 1 && !strings.EqualFold(rest[0].text, "asc") {
			return nil, fmt.Errorf("order_by %q: want ASC or DESC after the key: %w",
				term, ErrFilter)
		}
		o = append(o, k)
	}
	return append(o, orderKey{entity: "attributes", key: "start_time", desc: true}), nil
}

// Less tells whether a sorts before b. Runs without the key sort last.
func (o Order) Less(a, b RunView) bool {
	for _, k := range o {
		c := clause{entity: k.entity, key: k.key}
		va, oka := c.lookup(a)
		vb, okb := c.lookup(b)
		if oka != okb {
			return oka
		}
		if !oka {
			continue
		}
		cmp := compareValues(va, vb)
		if cmp != 0 {
			return (cmp < 0) != k.desc
		}
	}
	return false
}

func compareValues(a, b any) int {
	fa, aNum := a.(float64)
	fb, bNum := b.(float64)
	if aNum && bNum {
		if c := cmpFloat(fa, fb); c != 2 {
			return c
		}
		return 0
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}
