package filter

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sextant-ml/sextant/engine"
)

// SyntaxError is a filter that does not parse; Col counts characters from
// 1. It wraps engine.ErrInvalid.
type SyntaxError struct {
	Col int
	Msg string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("at column %d: %s", e.Col, e.Msg) }

// Unwrap makes a syntax error an invalid argument.
func (e *SyntaxError) Unwrap() error { return engine.ErrInvalid }

type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tField // a backquoted field
	tString
	tNumber
	tOp
	tLParen
	tRParen
	tLBrack
	tRBrack
	tComma
)

type token struct {
	kind tokKind
	text string // identifier, operator, or the decoded string
	num  float64
	off  int // byte offset in the source
}

// lexer splits a filter into tokens.
type lexer struct {
	src string
	off int
}

func (l *lexer) errorf(off int, format string, args ...any) error {
	col := utf8.RuneCountInString(l.src[:off]) + 1
	return &SyntaxError{Col: col, Msg: fmt.Sprintf(format, args...)}
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentByte(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9' || strings.IndexByte("./-:@", c) >= 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// next returns the next token.
func (l *lexer) next() (token, error) {
	for l.off < len(l.src) && strings.IndexByte(" \t\r\n", l.src[l.off]) >= 0 {
		l.off++
	}
	start := l.off
	if start == len(l.src) {
		return token{kind: tEOF, off: start}, nil
	}
	c := l.src[start]
	switch {
	case isIdentStart(c):
		for l.off < len(l.src) && isIdentByte(l.src[l.off]) {
			l.off++
		}
		return token{kind: tIdent, text: l.src[start:l.off], off: start}, nil
	case isDigit(c) || (c == '-' || c == '+' || c == '.') && l.startsNumber():
		return l.number()
	case c == '"' || c == '\'':
		return l.string(c)
	case c == '`':
		end := strings.IndexByte(l.src[start+1:], '`')
		if end < 0 {
			return token{}, l.errorf(start, "unterminated backquoted field")
		}
		l.off = start + 2 + end
		return token{kind: tField, text: l.src[start+1 : start+1+end], off: start}, nil
	}
	return l.punct()
}

func (l *lexer) startsNumber() bool {
	i := l.off
	if l.src[i] == '-' || l.src[i] == '+' {
		i++
	}
	if i < len(l.src) && l.src[i] == '.' {
		i++
	}
	return i < len(l.src) && isDigit(l.src[i])
}

func (l *lexer) number() (token, error) {
	start := l.off
	if c := l.src[l.off]; c == '-' || c == '+' {
		l.off++
	}
	l.digits()
	if l.off < len(l.src) && l.src[l.off] == '.' {
		l.off++
		l.digits()
	}
	if l.off < len(l.src) && (l.src[l.off] == 'e' || l.src[l.off] == 'E') {
		l.off++
		if l.off < len(l.src) && (l.src[l.off] == '-' || l.src[l.off] == '+') {
			l.off++
		}
		l.digits()
	}
	text := l.src[start:l.off]
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || l.off < len(l.src) && isIdentStart(l.src[l.off]) {
		return token{}, l.errorf(start, "malformed number %q", text)
	}
	return token{kind: tNumber, num: f, text: text, off: start}, nil
}

func (l *lexer) digits() {
	for l.off < len(l.src) && isDigit(l.src[l.off]) {
		l.off++
	}
}

func (l *lexer) string(quote byte) (token, error) {
	start := l.off
	var b strings.Builder
	for i := start + 1; i < len(l.src); i++ {
		c := l.src[i]
		switch {
		case c == quote:
			l.off = i + 1
			return token{kind: tString, text: b.String(), off: start}, nil
		case c == '\\' && i+1 < len(l.src):
			i++
			switch e := l.src[i]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
		}
	}
	return token{}, l.errorf(start, "unterminated string")
}

var operators = []string{"==", "!=", "<=", ">=", "=~", "!~", "=", "<", ">"}

func (l *lexer) punct() (token, error) {
	start := l.off
	rest := l.src[start:]
	for _, op := range operators {
		if strings.HasPrefix(rest, op) {
			l.off += len(op)
			return token{kind: tOp, text: op, off: start}, nil
		}
	}
	kinds := map[byte]tokKind{'(': tLParen, ')': tRParen, '[': tLBrack, ']': tRBrack, ',': tComma}
	if k, ok := kinds[rest[0]]; ok {
		l.off++
		return token{kind: k, text: rest[:1], off: start}, nil
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return token{}, l.errorf(start, "unexpected character %q", r)
}
