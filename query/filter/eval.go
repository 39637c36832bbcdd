package filter

import (
	"regexp"
	"strings"

	"github.com/sextant-ml/sextant/engine"
)

type node interface {
	eval(r *engine.Run) bool
}

// operand is a field or a literal.
type operand struct {
	field *Field
	lit   Value
}

func (o operand) value(r *engine.Run) Value {
	if o.field != nil {
		return o.field.get(r)
	}
	return o.lit
}

type andNode struct{ l, r node }

func (n andNode) eval(r *engine.Run) bool { return n.l.eval(r) && n.r.eval(r) }

type orNode struct{ l, r node }

func (n orNode) eval(r *engine.Run) bool { return n.l.eval(r) || n.r.eval(r) }

type notNode struct{ n node }

func (n notNode) eval(r *engine.Run) bool { return !n.n.eval(r) }

type cmpNode struct {
	op          string
	left, right operand
}

func (n cmpNode) eval(r *engine.Run) bool {
	a, b := n.left.value(r), n.right.value(r)
	if n.op == "!=" {
		return !equal(a, b)
	}
	c, ok := compare(a, b)
	if !ok {
		return false
	}
	switch n.op {
	case "=", "==":
		return c == 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	panic("filter: unknown operator " + n.op)
}

type matchNode struct {
	left   operand
	re     *regexp.Regexp
	negate bool
}

func (n matchNode) eval(r *engine.Run) bool {
	v := n.left.value(r)
	ok := v.Kind != Missing && v.Kind != Null && n.re.MatchString(v.String())
	return ok != n.negate
}

// inNode: left in [list]; a list-valued left holds when any element is in.
type inNode struct {
	left operand
	list []Value
}

func (n inNode) eval(r *engine.Run) bool {
	v := n.left.value(r)
	if v.Kind == List {
		return v.each(n.has)
	}
	return n.has(v)
}

func (n inNode) has(v Value) bool {
	for _, e := range n.list {
		if equal(v, e) {
			return true
		}
	}
	return false
}

// containsNode: list holds elem, or the string list has elem as substring.
type containsNode struct {
	list, elem operand
}

func (n containsNode) eval(r *engine.Run) bool {
	l, e := n.list.value(r), n.elem.value(r)
	switch l.Kind {
	case List:
		return l.each(func(v Value) bool { return equal(v, e) })
	case String:
		return e.Kind == String && strings.Contains(l.Str, e.Str)
	}
	return false
}
