package block

import (
	"encoding/binary"
	"fmt"
)

// reader consumes a block from the front. The first failure sticks: every
// later read returns zero values, so decoders check err once per section
// instead of after every field.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%s: %w", what, ErrCorrupt)
	}
	r.b = nil
}

// end fails when bytes are left over.
func (r *reader) end() {
	if len(r.b) > 0 {
		r.fail("trailing bytes")
	}
}

func (r *reader) byte(what string) byte {
	if len(r.b) < 1 {
		r.fail(what)
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) uvarint(what string) uint64 {
	x, k := binary.Uvarint(r.b)
	if k <= 0 {
		r.fail(what)
		return 0
	}
	r.b = r.b[k:]
	return x
}

func (r *reader) varint(what string) int64 {
	x, k := binary.Varint(r.b)
	if k <= 0 {
		r.fail(what)
		return 0
	}
	r.b = r.b[k:]
	return x
}

// count reads a uvarint that must not exceed limit.
func (r *reader) count(what string, limit int) int {
	x := r.uvarint(what)
	if x > uint64(limit) {
		r.fail(what)
		return 0
	}
	return int(x)
}

func (r *reader) bytes(what string, n int) []byte {
	if n < 0 || len(r.b) < n {
		r.fail(what)
		return nil
	}
	p := r.b[:n:n]
	r.b = r.b[n:]
	return p
}

func (r *reader) uint64(what string) uint64 {
	p := r.bytes(what, 8)
	if p == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(p)
}
