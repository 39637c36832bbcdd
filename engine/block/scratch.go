package block

import "sync"

// scratch holds the temporary buffers of one Encode or Decode call; a pool
// keeps them between calls so that steady encoding does not allocate.
type scratch struct {
	i64  []int64
	u64  []uint64
	buf  []byte
	zbuf []byte

	vals       []int64 // the integers of the value column
	other      []int64 // the float mode's values without trailing zeros
	bitmap     []byte
	cols       []int64   // the integer columns of a summary
	fvals      []float64 // the values of a summary
	alt        []byte    // a second candidate encoding of the values
	exceptions []int
	readExc    []exception
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch  { return scratchPool.Get().(*scratch) }
func putScratch(s *scratch) { scratchPool.Put(s) }

func (s *scratch) ints(n int) []int64 {
	if cap(s.i64) < n {
		s.i64 = make([]int64, n)
	}
	return s.i64[:n]
}

func (s *scratch) uints(n int) []uint64 {
	if cap(s.u64) < n {
		s.u64 = make([]uint64, n)
	}
	return s.u64[:n]
}

func (s *scratch) bytes(n int) []byte {
	if cap(s.buf) < n {
		s.buf = make([]byte, n)
	}
	return s.buf[:n]
}

func (s *scratch) valueInts(n int) []int64 {
	if cap(s.vals) < n {
		s.vals = make([]int64, n)
	}
	return s.vals[:n]
}

func (s *scratch) otherInts(n int) []int64 {
	if cap(s.other) < n {
		s.other = make([]int64, n)
	}
	return s.other[:n]
}

func (s *scratch) bitmapBytes(n int) []byte {
	if cap(s.bitmap) < n {
		s.bitmap = make([]byte, n)
	}
	return s.bitmap[:n]
}

func (s *scratch) columnInts(n int) []int64 {
	if cap(s.cols) < n {
		s.cols = make([]int64, n)
	}
	return s.cols[:n]
}

func (s *scratch) floats(n int) []float64 {
	if cap(s.fvals) < n {
		s.fvals = make([]float64, n)
	}
	return s.fvals[:n]
}
