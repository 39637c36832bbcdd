package ingest

import (
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/sextant-ml/sextant/engine"
)

// Format is the framing of a batch of rows.
type Format int

const (
	// FormatJSON is {"rows": [row, ...]}.
	FormatJSON Format = iota
	// FormatNDJSON is one row object per line.
	FormatNDJSON
)

// maxInterned bounds the key table a Parser keeps between batches; past
// it the table starts afresh, so hostile key names cannot grow it forever.
const maxInterned = 1 << 16

// maxDepth bounds the nesting of values skipped at the top level.
const maxDepth = 64

// Parser turns batches into rows. It is not safe for concurrent use; keep
// one per goroutine or in a sync.Pool.
type Parser struct {
	keys    map[string]string
	rows    []engine.Row
	metrics []engine.Metric
	ends    []int // end of each row's metrics in metrics

	// cols describes the members of the previous row by position: rows
	// of a batch mostly repeat the same members in the same order, and
	// comparing the input with the name at the same place is cheaper than
	// scanning, unescaping and looking it up.
	cols []column

	sc      scanner
	format  Format
	maxRows int
}

// NewParser returns an empty Parser.
func NewParser() *Parser {
	return &Parser{keys: map[string]string{}}
}

// Parse reads a batch of at most maxRows rows (0: no limit). The rows and
// their metrics stay valid until the next call of Parse; keys are ordinary
// strings that may be kept. A row's Step is -1 when absent and its Time NaN
// when absent. On error, no row is returned: the error names the row and
// the key, wraps engine.ErrInvalid or, past maxRows, ErrTooManyRows.
func (p *Parser) Parse(data []byte, f Format, maxRows int) ([]engine.Row, error) {
	p.reset(data, f, maxRows)
	var err error
	if f == FormatNDJSON {
		err = p.parseLines()
	} else {
		err = p.parseDocument()
	}
	if err != nil {
		return nil, err
	}
	return p.buildRows(), nil
}

func (p *Parser) reset(data []byte, f Format, maxRows int) {
	if len(p.keys) > maxInterned {
		p.keys = map[string]string{}
		p.cols = p.cols[:0]
	}
	p.rows = p.rows[:0]
	p.metrics = p.metrics[:0]
	p.ends = p.ends[:0]
	p.sc = scanner{data: data, line: 1, scratch: p.sc.scratch}
	p.format = f
	p.maxRows = maxRows
}

// buildRows points each row at its metrics, once the metrics slice no
// longer moves.
func (p *Parser) buildRows() []engine.Row {
	start := 0
	for i, end := range p.ends {
		p.rows[i].Metrics = p.metrics[start:end:end]
		start = end
	}
	return p.rows
}

// parseLines reads one row per line; blank lines are skipped.
func (p *Parser) parseLines() error {
	sc := &p.sc
	for {
		sc.skipSpace()
		if sc.eof() {
			return nil
		}
		if err := p.parseRow(); err != nil {
			return err
		}
		if err := sc.endOfLine(); err != nil {
			return p.errorf("", "%v", err)
		}
	}
}

// parseDocument reads {"rows": [...]}, skipping other members, or a bare
// array of rows.
func (p *Parser) parseDocument() error {
	sc := &p.sc
	sc.skipSpace()
	if sc.peek() == '[' {
		return p.finishDocument(p.parseRowArray())
	}
	if err := sc.expect('{'); err != nil {
		return p.syntax(err)
	}
	found := false
	err := sc.members(func(name []byte) error {
		if string(name) != "rows" {
			return sc.skipValue(0)
		}
		found = true
		return p.parseRowArray()
	})
	if err == nil && !found {
		return &Error{msg: "rows: missing", kind: engine.ErrInvalid}
	}
	return p.finishDocument(err)
}

func (p *Parser) finishDocument(err error) error {
	if err != nil {
		return p.syntax(err)
	}
	p.sc.skipSpace()
	if !p.sc.eof() {
		return p.syntax(fmt.Errorf("data after the end of the document"))
	}
	return nil
}

func (p *Parser) parseRowArray() error {
	sc := &p.sc
	sc.skipSpace()
	if err := sc.expect('['); err != nil {
		return err
	}
	sc.skipSpace()
	if sc.peek() == ']' {
		sc.pos++
		return nil
	}
	for {
		sc.skipSpace()
		if err := p.parseRow(); err != nil {
			return err
		}
		sc.skipSpace()
		switch c := sc.next(); c {
		case ',':
		case ']':
			return nil
		default:
			return sc.unexpected(c, "',' or ']' after a row")
		}
	}
}

// column is a member of a row: its key, what it holds, and whether the
// key can be matched byte for byte in the input (it needs no escapes).
type column struct {
	key  string
	kind columnKind
	raw  bool
}

type columnKind uint8

const (
	colMetric columnKind = iota
	colStep
	colTime
)

// parseRow reads one row object and appends it.
func (p *Parser) parseRow() error {
	if p.maxRows > 0 && len(p.rows) >= p.maxRows {
		msg := fmt.Sprintf("rows: more than %d in one request", p.maxRows)
		return &Error{msg: msg, kind: ErrTooManyRows}
	}
	sc := &p.sc
	if err := sc.expect('{'); err != nil {
		return p.syntax(err)
	}
	p.rows = append(p.rows, engine.Row{Step: -1, Time: math.NaN()})
	err := p.members()
	p.ends = append(p.ends, len(p.metrics))
	if err != nil {
		return p.syntax(err)
	}
	return nil
}

// members reads the members of a row whose '{' was consumed.
func (p *Parser) members() error {
	sc := &p.sc
	sc.skipSpace()
	if sc.peek() == '}' {
		sc.pos++
		return nil
	}
	for col := 0; ; col++ {
		sc.skipSpace()
		c, name, err := p.member(col)
		if err != nil {
			return err
		}
		sc.skipSpace()
		if sc.pos < len(sc.data) && sc.data[sc.pos] == ':' {
			sc.pos++
		} else if err := sc.expect(':'); err != nil {
			return err
		}
		sc.skipSpace()
		if name != nil {
			if c, err = p.learn(col, name); err != nil {
				return err
			}
		}
		switch {
		case c.kind == colStep:
			err = p.parseStep()
		case c.kind == colTime:
			err = p.parseTime()
		case isDigit(sc.peek()):
			var v float64
			if v, err = sc.number(); err == nil {
				p.metrics = append(p.metrics, engine.Metric{Key: c.key, Value: v})
			}
		default:
			var v float64
			var ok bool
			if v, ok, err = p.value(c.key); ok {
				p.metrics = append(p.metrics, engine.Metric{Key: c.key, Value: v})
			}
		}
		if err != nil {
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

// member reads the name of member col of a row. When it is the name at
// the same place in the previous row, it returns that member; else it
// returns the name, which may alias the scanner's scratch buffer, for
// learn.
func (p *Parser) member(col int) (column, []byte, error) {
	sc := &p.sc
	if col < len(p.cols) && p.cols[col].raw {
		c := p.cols[col]
		start := sc.pos + 1
		end := start + len(c.key)
		if end < len(sc.data) && sc.data[sc.pos] == '"' && sc.data[end] == '"' &&
			string(sc.data[start:end]) == c.key {
			sc.pos = end + 1
			return c, nil, nil
		}
	}
	if sc.peek() != '"' {
		return column{}, nil, sc.unexpected(sc.peek(), "a quoted key")
	}
	name, err := sc.readString()
	if name == nil && err == nil {
		name = []byte{}
	}
	return column{}, name, err
}

// learn returns the member of a row named name, checking a metric key the
// first time it is seen, and remembers it as member col.
func (p *Parser) learn(col int, name []byte) (column, error) {
	var c column
	switch string(name) {
	case engine.KeyStep:
		c = column{key: engine.KeyStep, kind: colStep}
	case engine.KeyTimestamp:
		c = column{key: engine.KeyTimestamp, kind: colTime}
	default:
		var err error
		if c.key, err = p.lookup(name); err != nil {
			return column{}, err
		}
	}
	c.raw = plain(c.key)
	if col < len(p.cols) {
		p.cols[col] = c
	} else {
		p.cols = append(p.cols, c)
	}
	return c, nil
}

// plain reports whether s is written in a JSON string as it is, without
// escapes.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// lookup returns the interned key, checking a key the first time.
func (p *Parser) lookup(name []byte) (string, error) {
	if k, ok := p.keys[string(name)]; ok {
		return k, nil
	}
	switch {
	case len(name) == 0:
		return "", p.errorf("", "empty metric key")
	case len(name) > engine.MaxKeyLen:
		return "", p.errorf("", "metric key %.40q...: longer than %d bytes",
			name, engine.MaxKeyLen)
	case !utf8.Valid(name):
		return "", p.errorf("", "metric key %q: not valid UTF-8", name)
	case string(name) == engine.KeyRuntime:
		return "", p.errorf(engine.KeyRuntime, "reserved key, computed by the server")
	}
	k := string(name)
	p.keys[k] = k
	return k, nil
}

// value reads a metric value; ok is false for null.
func (p *Parser) value(key string) (v float64, ok bool, err error) {
	sc := &p.sc
	start := sc.pos
	v, kind, err := sc.value()
	switch {
	case err != nil:
		return 0, false, p.syntax(err)
	case kind == kindNull:
		return 0, false, nil
	case kind == kindNumber:
		return v, true, nil
	case kind == kindString:
		return 0, false, p.errorf(key, "string %.40s is not a number (history holds numbers; "+
			"send text to the run's summary or config)", sc.data[start:sc.pos])
	}
	return 0, false, p.errorf(key, "%s value: flatten nested keys into \"a/b\" keys",
		kind)
}

func (p *Parser) parseStep() error {
	sc := &p.sc
	start := sc.pos
	step, kind, err := sc.step()
	if err != nil {
		return p.errorf(engine.KeyStep, "%s %.40s: want an integer >= 0",
			err, sc.data[start:sc.pos])
	}
	if kind != kindNull {
		p.rows[len(p.rows)-1].Step = step
	}
	return nil
}

func (p *Parser) parseTime() error {
	sc := &p.sc
	start := sc.pos
	boolean := sc.peek() == 't' || sc.peek() == 'f'
	v, kind, err := sc.value()
	switch {
	case err != nil:
		return p.syntax(err)
	case kind == kindNull:
		return nil
	case boolean || kind != kindNumber || math.IsNaN(v) || math.IsInf(v, 0):
		return p.errorf(engine.KeyTimestamp, "%.40s: want a finite number of seconds",
			sc.data[start:sc.pos])
	}
	p.rows[len(p.rows)-1].Time = v
	return nil
}
