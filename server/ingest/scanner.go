package ingest

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// kind is the JSON type of a value read by scanner.value. Numbers include
// booleans and the non-finite tokens and strings.
type kind uint8

const (
	kindNumber kind = iota
	kindNull
	kindString
	kindObject
	kindArray
)

func (k kind) String() string {
	return [...]string{"number", "null", "string", "object", "array"}[k]
}

var errEOF = errors.New("unexpected end of input")

// scanner reads JSON tokens from data. Its errors are bare; the Parser
// adds where they happened.
type scanner struct {
	data    []byte
	pos     int
	line    int    // 1-based line of pos, for NDJSON messages
	scratch []byte // strings with escapes, unescaped

}

func (sc *scanner) eof() bool { return sc.pos >= len(sc.data) }

func (sc *scanner) peek() byte {
	if sc.pos >= len(sc.data) {
		return 0
	}
	return sc.data[sc.pos]
}

func (sc *scanner) next() byte {
	c := sc.peek()
	sc.pos++
	return c
}

// skipSpace skips JSON whitespace, counting lines.
func (sc *scanner) skipSpace() {
	for sc.pos < len(sc.data) {
		switch sc.data[sc.pos] {
		case '\n':
			sc.line++
		case ' ', '\t', '\r':
		default:
			return
		}
		sc.pos++
	}
}

// endOfLine skips blanks up to and including the next newline, or to the
// end of the input; anything else means two rows share a line.
func (sc *scanner) endOfLine() error {
	for sc.pos < len(sc.data) {
		switch c := sc.data[sc.pos]; c {
		case '\n':
			sc.pos++
			sc.line++
			return nil
		case ' ', '\t', '\r':
			sc.pos++
		default:
			return sc.unexpected(c, "a newline after the row")
		}
	}
	return nil
}

func (sc *scanner) expect(want byte) error {
	if c := sc.peek(); c != want || sc.eof() {
		return sc.unexpected(c, strconv.QuoteRune(rune(want)))
	}
	sc.pos++
	return nil
}

func (sc *scanner) unexpected(c byte, want string) error {
	if sc.pos >= len(sc.data) {
		return fmt.Errorf("%w, want %s", errEOF, want)
	}
	return fmt.Errorf("unexpected %q, want %s", c, want)
}

// members reads the members of an object whose '{' was consumed, calling
// fn with each name while the scanner stands at its value. The name may
// alias the scratch buffer: fn must be done with it before reading a
// string.
func (sc *scanner) members(fn func(name []byte) error) error {
	sc.skipSpace()
	if sc.peek() == '}' {
		sc.pos++
		return nil
	}
	for {
		sc.skipSpace()
		if sc.peek() != '"' {
			return sc.unexpected(sc.peek(), "a quoted key")
		}
		name, err := sc.readName()
		if err != nil {
			return err
		}
		sc.skipSpace()
		if err := sc.expect(':'); err != nil {
			return err
		}
		sc.skipSpace()
		if err := fn(name); err != nil {
			return err
		}
		sc.skipSpace()
		switch c := sc.next(); c {
		case ',':
		case '}':
			return nil
		default:
			sc.pos--
			return sc.unexpected(c, "',' or '}'")
		}
	}
}

// value reads a scalar. Objects and arrays are reported by kind, not read.
func (sc *scanner) value() (float64, kind, error) {
	switch sc.peek() {
	case '"':
		return sc.quotedNumber()
	case 't':
		return 1, kindNumber, sc.literal("true")
	case 'f':
		return 0, kindNumber, sc.literal("false")
	case 'n':
		return 0, kindNull, sc.literal("null")
	case 'N':
		return math.NaN(), kindNumber, sc.literal("NaN")
	case 'I':
		return math.Inf(1), kindNumber, sc.literal("Infinity")
	case '{':
		return 0, kindObject, nil
	case '[':
		return 0, kindArray, nil
	case '-':
		if sc.pos+1 < len(sc.data) && sc.data[sc.pos+1] == 'I' {
			return math.Inf(-1), kindNumber, sc.literal("-Infinity")
		}
	}
	v, err := sc.number()
	return v, kindNumber, err
}

// quotedNumber reads a string, which is a number only when it is one of
// the non-finite names.
func (sc *scanner) quotedNumber() (float64, kind, error) {
	s, err := sc.readString()
	if err != nil {
		return 0, kindString, err
	}
	switch string(s) {
	case "NaN":
		return math.NaN(), kindNumber, nil
	case "Infinity":
		return math.Inf(1), kindNumber, nil
	case "-Infinity":
		return math.Inf(-1), kindNumber, nil
	}
	return 0, kindString, nil
}

func (sc *scanner) literal(word string) error {
	end := sc.pos + len(word)
	if end > len(sc.data) || string(sc.data[sc.pos:end]) != word {
		return sc.unexpected(sc.peek(), "a JSON value")
	}
	sc.pos = end
	return nil
}

// number reads a JSON number. A number in strict JSON form with up to 19
// significant digits, the common case, is converted by toFloat (mostly
// one float64 division); the rest, and what toFloat cannot decide, goes
// through slowNumber and strconv, which accepts the same numbers.
func (sc *scanner) number() (float64, error) {
	data, i := sc.data, sc.pos
	neg := i < len(data) && data[i] == '-'
	if neg {
		i++
	}
	start := i
	var mant uint64
	for ; i < len(data) && isDigit(data[i]); i++ {
		mant = mant*10 + uint64(data[i]-'0')
	}
	digits := i - start
	if digits == 0 {
		sc.pos = i
		return 0, sc.unexpected(sc.peek(), "a JSON value")
	}
	exp := 0
	if i < len(data) && data[i] == '.' {
		i++
		frac := i
		if mant == 0 { // leading zeros are not significant digits
			for i < len(data) && data[i] == '0' {
				i++
			}
			digits = 0
		}
		sig := i
		for i+8 <= len(data) {
			v, ok := eightDigits(data, i)
			if !ok {
				break
			}
			mant = mant*100_000_000 + v // overflows only past 19 digits
			i += 8
		}
		for ; i < len(data) && isDigit(data[i]); i++ {
			mant = mant*10 + uint64(data[i]-'0')
		}
		if i == frac {
			return sc.slowNumber()
		}
		digits += i - sig
		exp = frac - i
	}
	if digits > 19 {
		return sc.slowNumber()
	}
	if i < len(data) && data[i]|0x20 == 'e' {
		e, end, ok := exponent(data, i+1)
		if !ok {
			return sc.slowNumber()
		}
		exp, i = exp+e, end
	}
	if i < len(data) && isNumberByte(data[i]) {
		return sc.slowNumber()
	}
	var v float64
	if mant < 1<<53 && exp <= 0 && exp >= -22 {
		v = float64(mant) / pow10[-exp] // both exact: correctly rounded
		if neg {
			v = -v
		}
	} else {
		var ok bool
		if v, ok = toFloat(mant, exp, neg); !ok {
			return sc.slowNumber()
		}
	}
	sc.pos = i
	return v, nil
}

// exponent reads the digits of an exponent, with an optional sign, from
// data[i:], and returns it (capped far beyond any float64) and where it
// ends; ok is false when there are no digits.
func exponent(data []byte, i int) (e, end int, ok bool) {
	neg := false
	if i < len(data) && (data[i] == '+' || data[i] == '-') {
		neg = data[i] == '-'
		i++
	}
	start := i
	for ; i < len(data) && isDigit(data[i]); i++ {
		if e < 100_000 {
			e = e*10 + int(data[i]-'0')
		}
	}
	if neg {
		e = -e
	}
	return e, i, i > start
}

// slowNumber reads any number with strconv.
func (sc *scanner) slowNumber() (float64, error) {
	start := sc.pos
	sc.pos++ // a digit or '-'
	for sc.pos < len(sc.data) && isNumberByte(sc.data[sc.pos]) {
		sc.pos++
	}
	return sc.parseFloat(sc.data[start:sc.pos])
}

// parseFloat parses tok with strconv, through a string that aliases tok
// so that nothing is allocated. A number beyond float64 becomes ±Inf.
func (sc *scanner) parseFloat(tok []byte) (float64, error) {
	if tok[len(tok)-1] == '.' || tok[len(tok)-1] == '-' {
		return 0, fmt.Errorf("malformed number %q", tok)
	}
	v, err := strconv.ParseFloat(unsafe.String(&tok[0], len(tok)), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("malformed number %q", tok)
	}
	return v, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isNumberByte(c byte) bool {
	return isDigit(c) || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

// step reads a _step value: null, or an integer >= 0 (written plainly or
// as an integral number such as 1e3); a boolean is refused.
func (sc *scanner) step() (int64, kind, error) {
	switch sc.peek() {
	case 'n':
		return 0, kindNull, sc.literal("null")
	case 't', 'f':
		if _, _, err := sc.value(); err != nil {
			return 0, kindNumber, err
		}
		return 0, kindNumber, errors.New("boolean")
	}
	start := sc.pos
	var n int64
	for sc.pos < len(sc.data) && isDigit(sc.data[sc.pos]) && sc.pos-start < 18 {
		n = n*10 + int64(sc.data[sc.pos]-'0')
		sc.pos++
	}
	if sc.pos > start && (sc.pos == len(sc.data) || !isNumberByte(sc.data[sc.pos])) {
		return n, kindNumber, nil
	}
	sc.pos = start
	v, k, err := sc.value()
	switch {
	case err != nil:
		return 0, k, err
	case k != kindNumber:
		return 0, k, fmt.Errorf("%s", k)
	case v < 0:
		return 0, k, errors.New("negative")
	case v != math.Trunc(v) || v >= 1<<63:
		return 0, k, errors.New("not an integer")
	}
	return int64(v), k, nil
}

// skipValue skips any JSON value, nested at most maxDepth deep.
func (sc *scanner) skipValue(depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("values nested more than %d deep", maxDepth)
	}
	switch sc.peek() {
	case '{':
		sc.pos++
		return sc.members(func([]byte) error { return sc.skipValue(depth + 1) })
	case '[':
		sc.pos++
		return sc.skipElements(depth)
	case '"':
		_, err := sc.readString()
		return err
	}
	_, _, err := sc.value()
	return err
}

func (sc *scanner) skipElements(depth int) error {
	sc.skipSpace()
	if sc.peek() == ']' {
		sc.pos++
		return nil
	}
	for {
		sc.skipSpace()
		if err := sc.skipValue(depth + 1); err != nil {
			return err
		}
		sc.skipSpace()
		switch c := sc.next(); c {
		case ',':
		case ']':
			return nil
		default:
			sc.pos--
			return sc.unexpected(c, "',' or ']'")
		}
	}
}

// readName reads a member name; it may alias the scratch buffer.
func (sc *scanner) readName() ([]byte, error) {
	return sc.readString()
}

// readString reads a quoted string. Without escapes it returns a slice of
// the input; with escapes, the unescaped bytes in the scratch buffer.
func (sc *scanner) readString() ([]byte, error) {
	sc.pos++ // the opening quote
	start := sc.pos
	for sc.pos < len(sc.data) {
		c := sc.data[sc.pos]
		switch {
		case c == '"':
			sc.pos++
			return sc.data[start : sc.pos-1], nil
		case c == '\\':
			return sc.readEscaped(start)
		case c < 0x20:
			return nil, fmt.Errorf("control character %q in a string", c)
		}
		sc.pos++
	}
	return nil, fmt.Errorf("%w in a string", errEOF)
}

// readEscaped finishes a string that holds escapes, from its start.
func (sc *scanner) readEscaped(start int) ([]byte, error) {
	out := append(sc.scratch[:0], sc.data[start:sc.pos]...)
	for sc.pos < len(sc.data) {
		c := sc.data[sc.pos]
		switch {
		case c == '"':
			sc.pos++
			sc.scratch = out
			return out, nil
		case c < 0x20:
			return nil, fmt.Errorf("control character %q in a string", c)
		case c != '\\':
			out = append(out, c)
			sc.pos++
			continue
		}
		var err error
		if out, err = sc.unescape(out); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("%w in a string", errEOF)
}

// unescape appends the character of the escape at pos to out.
func (sc *scanner) unescape(out []byte) ([]byte, error) {
	if sc.pos+1 >= len(sc.data) {
		return nil, fmt.Errorf("%w in a string", errEOF)
	}
	c := sc.data[sc.pos+1]
	sc.pos += 2
	if i := indexByte(`"\/bfnrt`, c); i >= 0 {
		return append(out, "\"\\/\b\f\n\r\t"[i]), nil
	}
	if c != 'u' {
		return nil, fmt.Errorf("invalid escape \\%c in a string", c)
	}
	r, err := sc.hex4()
	if err != nil {
		return nil, err
	}
	if utf16.IsSurrogate(r) && sc.pos+1 < len(sc.data) &&
		sc.data[sc.pos] == '\\' && sc.data[sc.pos+1] == 'u' {
		sc.pos += 2
		r2, err := sc.hex4()
		if err != nil {
			return nil, err
		}
		r = utf16.DecodeRune(r, r2)
	}
	return utf8.AppendRune(out, r), nil
}

func (sc *scanner) hex4() (rune, error) {
	if sc.pos+4 > len(sc.data) {
		return 0, fmt.Errorf("%w in a \\u escape", errEOF)
	}
	v, err := strconv.ParseUint(string(sc.data[sc.pos:sc.pos+4]), 16, 16)
	if err != nil {
		return 0, fmt.Errorf("invalid \\u escape %q", sc.data[sc.pos:sc.pos+4])
	}
	sc.pos += 4
	return rune(v), nil
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}
