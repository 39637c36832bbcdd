package filter

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// Kind is the type of a Value.
type Kind uint8

// Kinds of values a field may hold.
const (
	Missing Kind = iota // the run has no such field
	Null
	Bool
	Number
	String
	Time // seconds since the epoch, in Num
	List
	Object
)

// Value is what a field holds for one run, or a literal of the language.
// Num holds numbers, times and booleans (0 or 1); Str holds strings; a
// list holds either Strs (tags) or Items (a config array).
type Value struct {
	Kind  Kind
	Num   float64
	Str   string
	Strs  []string
	Items []any
}

// fromAny converts a decoded JSON value of a run's config.
func fromAny(v any) Value {
	switch v := v.(type) {
	case nil:
		return Value{Kind: Null}
	case bool:
		if v {
			return Value{Kind: Bool, Num: 1}
		}
		return Value{Kind: Bool}
	case float64:
		return Value{Kind: Number, Num: v}
	case float32:
		return Value{Kind: Number, Num: float64(v)}
	case int:
		return Value{Kind: Number, Num: float64(v)}
	case int64:
		return Value{Kind: Number, Num: float64(v)}
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return Value{Kind: String, Str: string(v)}
		}
		return Value{Kind: Number, Num: f}
	case string:
		return Value{Kind: String, Str: v}
	case []any:
		return Value{Kind: List, Items: v}
	case []string:
		return Value{Kind: List, Strs: v}
	default:
		return Value{Kind: Object}
	}
}

// compare orders a and b; ok is false when they are not comparable.
func compare(a, b Value) (c int, ok bool) {
	if a.Kind == Time && b.Kind == Number || a.Kind == Number && b.Kind == Time {
		a.Kind, b.Kind = Number, Number
	}
	if a.Kind != b.Kind {
		return 0, false
	}
	switch a.Kind {
	case Null:
		return 0, true
	case Bool, Number, Time:
		if math.IsNaN(a.Num) || math.IsNaN(b.Num) {
			return 0, false
		}
		switch {
		case a.Num < b.Num:
			return -1, true
		case a.Num > b.Num:
			return 1, true
		}
		return 0, true
	case String:
		return strings.Compare(a.Str, b.Str), true
	}
	return 0, false
}

func equal(a, b Value) bool {
	c, ok := compare(a, b)
	return ok && c == 0
}

// each calls fn with every element of a list value, stopping when fn
// returns true, and reports whether it did.
func (v Value) each(fn func(Value) bool) bool {
	for _, s := range v.Strs {
		if fn(Value{Kind: String, Str: s}) {
			return true
		}
	}
	for _, it := range v.Items {
		if fn(fromAny(it)) {
			return true
		}
	}
	return false
}

// String formats the value as a group label or a CSV cell: numbers in their
// shortest form, lists joined by commas, missing and null as "".
func (v Value) String() string {
	switch v.Kind {
	case Bool:
		return strconv.FormatBool(v.Num != 0)
	case Number, Time:
		return strconv.FormatFloat(v.Num, 'g', -1, 64)
	case String:
		return v.Str
	case List:
		var parts []string
		v.each(func(e Value) bool { parts = append(parts, e.String()); return false })
		return strings.Join(parts, ",")
	case Object:
		return "{...}"
	}
	return ""
}
