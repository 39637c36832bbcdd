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

	// prev holds the keys of the previous row by position: rows of one
	// batch mostly repeat the same keys in the same order, and comparing
	// with the key at the same place is cheaper than hashing.
	prev []string
	col  int

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
		p.prev = p.prev[:0]
	}
	p.rows = p.rows[:0]
	p.metrics = p.metrics[:0]
	p.ends = p.ends[:0]
	names := p.sc.names[:0]
	p.sc = scanner{data: data, line: 1, scratch: p.sc.scratch, names: names}
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
	p.col = 0
	err := sc.members(p.parseMember)
	p.ends = append(p.ends, len(p.metrics))
	if err != nil {
		return p.syntax(err)
	}
	return nil
}

// parseMember reads the value of one member of a row.
func (p *Parser) parseMember(name []byte) error {
	switch string(name) {
	case engine.KeyStep:
		return p.parseStep()
	case engine.KeyTimestamp:
		return p.parseTime()
	}
	key, err := p.intern(name)
	if err != nil {
		return err
	}
	v, ok, err := p.value(key)
	if ok {
		p.metrics = append(p.metrics, engine.Metric{Key: key, Value: v})
	}
	return err
}

// intern returns the key as a string allocated once per Parser, checking
// it the first time it is seen.
func (p *Parser) intern(name []byte) (string, error) {
	col := p.col
	p.col++
	if col < len(p.prev) && p.prev[col] == string(name) {
		return p.prev[col], nil
	}
	k, err := p.lookup(name)
	if err != nil {
		return "", err
	}
	if col < len(p.prev) {
		p.prev[col] = k
	} else {
		p.prev = append(p.prev, k)
	}
	return k, nil
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
