package mlflowmap

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// ErrFilter marks a search filter or order that does not parse.
var ErrFilter = errors.New("bad search expression")

// RunView is what a search filter sees of a run. Attributes hold strings
// (status, run_name, run_id, user_id) and numbers (start_time, end_time).
type RunView struct {
	Metrics    map[string]float64
	Params     map[string]string
	Tags       map[string]string
	Attributes map[string]any
}

// Filter is a parsed MLflow search filter: clauses that must all hold.
type Filter []clause

type clause struct {
	entity string // metrics, params, tags, attributes
	key    string
	op     string // =, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL
	text   string // the value as written
	num    float64
	isNum  bool
	list   []string
	like   *regexp.Regexp
}

// ParseFilter parses MLflow's filter syntax: clauses joined by AND, each
// `entity.key op value`, where entity is metrics, params, tags or
// attributes (singular forms too; none means attributes), a key with
// spaces is quoted with double quotes or backquotes, and value is a number, a quoted string or
// a parenthesised list of strings for IN.
func ParseFilter(s string) (Filter, error) {
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	var f Filter
	for len(toks) > 0 {
		var c clause
		if c, toks, err = parseClause(toks); err != nil {
			return nil, fmt.Errorf("filter %q: %w", s, err)
		}
		f = append(f, c)
		if len(toks) > 0 {
			if !strings.EqualFold(toks[0].text, "and") || toks[0].quoted {
				return nil, fmt.Errorf("filter %q: want AND, got %q: %w",
					s, toks[0].text, ErrFilter)
			}
			toks = toks[1:]
		}
	}
	return f, nil
}

// Match tells whether the run satisfies every clause.
func (f Filter) Match(r RunView) bool {
	for _, c := range f {
		if !c.match(r) {
			return false
		}
	}
	return true
}

type token struct {
	text   string
	quoted bool // a string literal or a quoted key
}

func tokenize(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '\'' || c == '"' || c == '`':
			end := strings.IndexByte(s[i+1:], c)
			if end < 0 {
				return nil, fmt.Errorf("filter %q: unclosed quote: %w", s, ErrFilter)
			}
			toks = append(toks, token{text: s[i+1 : i+1+end], quoted: true})
			i += end + 2
		case strings.ContainsRune("()=,", rune(c)):
			toks = append(toks, token{text: string(c)})
			i++
		case c == '!' || c == '<' || c == '>':
			n := 1
			if i+1 < len(s) && s[i+1] == '=' {
				n = 2
			}
			toks = append(toks, token{text: s[i : i+n]})
			i += n
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n'\"`()=,!<>", rune(s[j])) {
				j++
			}
			toks = append(toks, token{text: s[i:j]})
			i = j
		}
	}
	return toks, nil
}

var entities = map[string]string{
	"metric": "metrics", "metrics": "metrics",
	"param": "params", "params": "params", "parameter": "params", "parameters": "params",
	"tag": "tags", "tags": "tags",
	"attribute": "attributes", "attributes": "attributes", "attr": "attributes",
	"run": "attributes",
}

func parseClause(toks []token) (clause, []token, error) {
	var c clause
	var err error
	if c.entity, c.key, toks, err = parseIdent(toks); err != nil {
		return c, nil, err
	}
	if c.op, toks, err = parseOp(toks); err != nil {
		return c, nil, err
	}
	if strings.HasPrefix(c.op, "IS") {
		return c, toks, nil
	}
	if toks, err = c.parseValue(toks); err != nil {
		return c, nil, err
	}
	return c, toks, nil
}

func parseIdent(toks []token) (string, string, []token, error) {
	if len(toks) == 0 || toks[0].quoted {
		return "", "", nil, fmt.Errorf("want entity.key: %w", ErrFilter)
	}
	word := toks[0].text
	toks = toks[1:]
	prefix, key, dotted := strings.Cut(word, ".")
	entity, known := entities[strings.ToLower(prefix)]
	if !dotted || !known {
		return "attributes", word, toks, nil
	}
	if key == "" && len(toks) > 0 && toks[0].quoted {
		key, toks = toks[0].text, toks[1:]
	}
	if key == "" {
		return "", "", nil, fmt.Errorf("%q: no key: %w", word, ErrFilter)
	}
	return entity, key, toks, nil
}

func parseOp(toks []token) (string, []token, error) {
	if len(toks) == 0 {
		return "", nil, fmt.Errorf("want an operator: %w", ErrFilter)
	}
	op := strings.ToUpper(toks[0].text)
	toks = toks[1:]
	switch op {
	case "=", "!=", "<", "<=", ">", ">=", "LIKE", "ILIKE", "IN":
		return op, toks, nil
	case "NOT", "IS":
		if len(toks) == 0 {
			return "", nil, fmt.Errorf("%s: incomplete: %w", op, ErrFilter)
		}
		next := strings.ToUpper(toks[0].text)
		switch {
		case op == "NOT" && next == "IN":
			return "NOT IN", toks[1:], nil
		case op == "IS" && next == "NULL":
			return "IS NULL", toks[1:], nil
		case op == "IS" && next == "NOT" && len(toks) > 1 &&
			strings.EqualFold(toks[1].text, "null"):
			return "IS NOT NULL", toks[2:], nil
		}
	}
	return "", nil, fmt.Errorf("operator %q: %w", op, ErrFilter)
}

func (c *clause) parseValue(toks []token) ([]token, error) {
	if len(toks) == 0 {
		return nil, fmt.Errorf("%s.%s %s: no value: %w", c.entity, c.key, c.op, ErrFilter)
	}
	if c.op == "IN" || c.op == "NOT IN" {
		return c.parseList(toks)
	}
	c.text = toks[0].text
	if !toks[0].quoted {
		v, err := strconv.ParseFloat(c.text, 64)
		if err != nil {
			return nil, fmt.Errorf("value %q: quote strings: %w", c.text, ErrFilter)
		}
		c.num, c.isNum = v, true
	}
	if c.op == "LIKE" || c.op == "ILIKE" {
		c.like = likePattern(c.text, c.op == "ILIKE")
	}
	return toks[1:], nil
}

func (c *clause) parseList(toks []token) ([]token, error) {
	if toks[0].text != "(" || toks[0].quoted {
		return nil, fmt.Errorf("%s: want a list in parentheses: %w", c.op, ErrFilter)
	}
	for toks = toks[1:]; len(toks) > 0; toks = toks[1:] {
		switch {
		case toks[0].quoted:
			c.list = append(c.list, toks[0].text)
		case toks[0].text == ")":
			return toks[1:], nil
		case toks[0].text != ",":
			c.list = append(c.list, toks[0].text)
		}
	}
	return nil, fmt.Errorf("%s: unclosed list: %w", c.op, ErrFilter)
}

// likePattern turns an SQL LIKE pattern (% any run, _ one character) into
// an anchored regular expression.
func likePattern(p string, fold bool) *regexp.Regexp {
	var b strings.Builder
	if fold {
		b.WriteString("(?i)")
	}
	b.WriteString("^")
	for _, r := range p {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

func (c clause) match(r RunView) bool {
	v, ok := c.lookup(r)
	switch c.op {
	case "IS NULL":
		return !ok
	case "IS NOT NULL":
		return ok
	}
	if !ok {
		return false
	}
	if num, isNum := v.(float64); isNum {
		return c.matchNumber(num)
	}
	return c.matchString(fmt.Sprint(v))
}

func (c clause) lookup(r RunView) (any, bool) {
	switch c.entity {
	case "metrics":
		v, ok := r.Metrics[c.key]
		return v, ok
	case "params":
		v, ok := r.Params[c.key]
		return v, ok
	case "tags":
		v, ok := r.Tags[c.key]
		return v, ok
	}
	v, ok := r.Attributes[strings.ToLower(c.key)]
	return v, ok
}

func (c clause) matchNumber(v float64) bool {
	if !c.isNum {
		return c.matchString(strconv.FormatFloat(v, 'g', -1, 64))
	}
	return compare(c.op, cmpFloat(v, c.num))
}

func (c clause) matchString(v string) bool {
	switch c.op {
	case "LIKE", "ILIKE":
		return c.like.MatchString(v)
	case "IN", "NOT IN":
		in := false
		for _, item := range c.list {
			in = in || item == v
		}
		return in == (c.op == "IN")
	}
	return compare(c.op, strings.Compare(v, c.text))
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	}
	return 2 // NaN: no order holds, only !=
}

func compare(op string, cmp int) bool {
	switch op {
	case "=":
		return cmp == 0
	case "!=":
		return cmp != 0
	case "<":
		return cmp == -1
	case "<=":
		return cmp == -1 || cmp == 0
	case ">":
		return cmp == 1
	case ">=":
		return cmp == 1 || cmp == 0
	}
	return false
}
