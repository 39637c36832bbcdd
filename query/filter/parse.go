package filter

import (
	"regexp"
	"strings"
	"time"

	"github.com/sextant-ml/sextant/engine"
)

// Expr is a parsed filter.
type Expr struct {
	src  string
	root node
}

// String returns the source of the filter.
func (e *Expr) String() string { return e.src }

// Match reports whether run r passes the filter. A nil Expr matches every
// run.
func (e *Expr) Match(r *engine.Run) bool { return e == nil || e.root.eval(r) }

// Parse parses a filter. An empty or blank filter matches every run and
// returns nil. Errors are *SyntaxError.
func Parse(src string) (*Expr, error) {
	if strings.TrimSpace(src) == "" {
		return nil, nil
	}
	p := &parser{lex: lexer{src: src}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	root, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF {
		return nil, p.expected("and, or or the end of the filter")
	}
	return &Expr{src: src, root: root}, nil
}

type parser struct {
	lex lexer
	tok token
}

func (p *parser) advance() error {
	t, err := p.lex.next()
	p.tok = t
	return err
}

// keyword reports whether the current token is the given keyword.
func (p *parser) keyword(kw string) bool {
	return p.tok.kind == tIdent && strings.EqualFold(p.tok.text, kw)
}

func (p *parser) expected(what string) error {
	found := "the end of the filter"
	if p.tok.kind != tEOF {
		found = "\"" + p.lex.src[p.tok.off:p.lex.off] + "\""
	}
	return p.lex.errorf(p.tok.off, "expected %s, found %s", what, found)
}

func (p *parser) or() (node, error) {
	left, err := p.and()
	for err == nil && p.keyword("or") {
		if err = p.advance(); err != nil {
			return nil, err
		}
		var right node
		if right, err = p.and(); err == nil {
			left = orNode{left, right}
		}
	}
	return left, err
}

func (p *parser) and() (node, error) {
	left, err := p.unary()
	for err == nil && p.keyword("and") {
		if err = p.advance(); err != nil {
			return nil, err
		}
		var right node
		if right, err = p.unary(); err == nil {
			left = andNode{left, right}
		}
	}
	return left, err
}

func (p *parser) unary() (node, error) {
	switch {
	case p.keyword("not"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		n, err := p.unary()
		return notNode{n}, err
	case p.tok.kind == tLParen:
		if err := p.advance(); err != nil {
			return nil, err
		}
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tRParen {
			return nil, p.expected("\")\"")
		}
		return n, p.advance()
	}
	return p.compare()
}

func (p *parser) compare() (node, error) {
	left, err := p.operand()
	if err != nil {
		return nil, err
	}
	switch {
	case p.tok.kind == tOp:
		return p.binary(left)
	case p.keyword("in"):
		return p.in(left, false)
	case p.keyword("not"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		if !p.keyword("in") {
			return nil, p.expected("in after not")
		}
		return p.in(left, true)
	case p.keyword("contains"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		right, err := p.operand()
		return containsNode{list: left, elem: right}, err
	}
	return nil, p.expected("an operator (=, !=, <, <=, >, >=, =~, !~, in, contains)")
}

func (p *parser) binary(left operand) (node, error) {
	op := p.tok.text
	if err := p.advance(); err != nil {
		return nil, err
	}
	if op == "=~" || op == "!~" {
		return p.match(left, op == "!~")
	}
	at := p.tok
	right, err := p.operand()
	if err != nil {
		return nil, err
	}
	if left, right, err = p.times(left, right, at); err != nil {
		return nil, err
	}
	return cmpNode{op: op, left: left, right: right}, nil
}

func (p *parser) match(left operand, negate bool) (node, error) {
	if p.tok.kind != tString {
		return nil, p.expected("a regular expression in quotes")
	}
	re, err := regexp.Compile(p.tok.text)
	if err != nil {
		return nil, p.lex.errorf(p.tok.off, "bad regular expression: %v", err)
	}
	return matchNode{left: left, re: re, negate: negate}, p.advance()
}

func (p *parser) in(left operand, negate bool) (node, error) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind != tLBrack {
		right, err := p.operand()
		return negated(containsNode{list: right, elem: left}, negate), err
	}
	var list []Value
	for {
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind == tRBrack && len(list) == 0 {
			break
		}
		at := p.tok
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		if _, v2, err := p.times(left, operand{lit: v}, at); err == nil {
			v = v2.lit
		} else {
			return nil, err
		}
		list = append(list, v)
		if p.tok.kind == tRBrack {
			break
		}
		if p.tok.kind != tComma {
			return nil, p.expected("\",\" or \"]\"")
		}
	}
	return negated(inNode{left: left, list: list}, negate), p.advance()
}

func negated(n node, negate bool) node {
	if negate {
		return notNode{n}
	}
	return n
}

// operand reads a field or a literal.
func (p *parser) operand() (operand, error) {
	if p.tok.kind == tField || p.tok.kind == tIdent && !isKeywordLiteral(p.tok.text) {
		f, err := ParseField(p.tok.text)
		if err != nil {
			return operand{}, p.lex.errorf(p.tok.off, "%v", err)
		}
		return operand{field: &f}, p.advance()
	}
	v, err := p.literal()
	return operand{lit: v}, err
}

func isKeywordLiteral(s string) bool {
	switch strings.ToLower(s) {
	case "true", "false", "null":
		return true
	}
	return false
}

// literal reads a string, number, true, false or null.
func (p *parser) literal() (Value, error) {
	var v Value
	switch {
	case p.tok.kind == tString:
		v = str(p.tok.text)
	case p.tok.kind == tNumber:
		v = Value{Kind: Number, Num: p.tok.num}
	case p.keyword("true"):
		v = Value{Kind: Bool, Num: 1}
	case p.keyword("false"):
		v = Value{Kind: Bool}
	case p.keyword("null"):
		v = Value{Kind: Null}
	default:
		return v, p.expected("a field, a string, a number, true, false or null")
	}
	return v, p.advance()
}

// times reads a string literal compared with a time field as a time.
func (p *parser) times(a, b operand, at token) (operand, operand, error) {
	conv := func(field, lit *operand) error {
		if field.field == nil || !isTimeField(field.field.Path) || lit.lit.Kind != String {
			return nil
		}
		sec, ok := parseTime(lit.lit.Str)
		if !ok {
			return p.lex.errorf(at.off, "expected a time like 2024-05-01 or "+
				"2024-05-01T12:00:00Z, found %q", lit.lit.Str)
		}
		lit.lit = Value{Kind: Time, Num: sec}
		return nil
	}
	if err := conv(&a, &b); err != nil {
		return a, b, err
	}
	return a, b, conv(&b, &a)
}

func parseTime(s string) (float64, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05",
		"2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return float64(t.UnixNano()) / 1e9, true
		}
	}
	return 0, false
}
