package importer

import (
	"encoding/binary"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// tensorProto holds the parts of a TensorProto a scalar can live in.
type tensorProto struct {
	dtype    uint64
	elements int64 // product of the dims; 1 for a shape with no dims
	content  []byte
	values   []float64 // from the typed repeated fields
}

// tensorScalar returns the value of a numeric tensor that holds exactly one
// element, as TF2 writers store scalars; ok is false for anything else.
func tensorScalar(b []byte) (float64, bool, error) {
	t := tensorProto{elements: 1}
	err := walk(b, t.read)
	if err != nil || t.elements != 1 {
		return 0, false, err
	}
	if len(t.values) == 1 {
		return t.values[0], true, nil
	}
	return contentScalar(t.dtype, t.content)
}

func (t *tensorProto) read(f field) error {
	switch f.num {
	case tensorDtype:
		t.dtype = f.varint
	case tensorShape:
		return walk(f.bytes, t.readDim)
	case tensorContent:
		t.content = f.bytes
	case tensorFloat:
		t.addFixed32(f, func(v uint32) float64 { return float64(math.Float32frombits(v)) })
	case tensorDouble:
		t.addFixed64(f)
	case tensorInt, tensorInt64:
		t.addVarints(f, func(v uint64) float64 { return float64(int64(v)) })
	case tensorBool:
		t.addVarints(f, func(v uint64) float64 { return float64(min(v, 1)) })
	case tensorHalf:
		half := halfToFloat
		if t.dtype == dtBfloat16 {
			half = bfloat16ToFloat
		}
		t.addVarints(f, func(v uint64) float64 { return half(uint16(v)) })
	}
	return nil
}

func (t *tensorProto) readDim(f field) error {
	if f.num != shapeDim || f.typ != protowire.BytesType {
		return nil
	}
	return walk(f.bytes, func(d field) error {
		if d.num == dimSize && d.typ == protowire.VarintType {
			t.elements *= int64(d.varint)
		}
		return nil
	})
}

// addFixed32 reads a packed or an unpacked repeated 32-bit field.
func (t *tensorProto) addFixed32(f field, conv func(uint32) float64) {
	if f.typ == protowire.Fixed32Type {
		t.values = append(t.values, conv(uint32(f.fixed)))
		return
	}
	for b := f.bytes; len(b) >= 4; b = b[4:] {
		t.values = append(t.values, conv(binary.LittleEndian.Uint32(b)))
	}
}

func (t *tensorProto) addFixed64(f field) {
	if f.typ == protowire.Fixed64Type {
		t.values = append(t.values, math.Float64frombits(f.fixed))
		return
	}
	for b := f.bytes; len(b) >= 8; b = b[8:] {
		t.values = append(t.values, math.Float64frombits(binary.LittleEndian.Uint64(b)))
	}
}

func (t *tensorProto) addVarints(f field, conv func(uint64) float64) {
	if f.typ == protowire.VarintType {
		t.values = append(t.values, conv(f.varint))
		return
	}
	for b := f.bytes; len(b) > 0; {
		v, n := protowire.ConsumeVarint(b)
		if n < 0 {
			return
		}
		t.values = append(t.values, conv(v))
		b = b[n:]
	}
}

// contentScalar decodes one element of tensor_content, which holds the
// tensor's elements in little endian.
func contentScalar(dtype uint64, c []byte) (float64, bool, error) {
	switch {
	case dtype == dtFloat && len(c) == 4:
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(c))), true, nil
	case dtype == dtDouble && len(c) == 8:
		return math.Float64frombits(binary.LittleEndian.Uint64(c)), true, nil
	case dtype == dtInt32 && len(c) == 4:
		return float64(int32(binary.LittleEndian.Uint32(c))), true, nil
	case dtype == dtInt64 && len(c) == 8:
		return float64(int64(binary.LittleEndian.Uint64(c))), true, nil
	case dtype == dtInt16 && len(c) == 2:
		return float64(int16(binary.LittleEndian.Uint16(c))), true, nil
	case dtype == dtInt8 && len(c) == 1:
		return float64(int8(c[0])), true, nil
	case (dtype == dtUint8 || dtype == dtBool) && len(c) == 1:
		return float64(c[0]), true, nil
	case dtype == dtHalf && len(c) == 2:
		return halfToFloat(binary.LittleEndian.Uint16(c)), true, nil
	case dtype == dtBfloat16 && len(c) == 2:
		return bfloat16ToFloat(binary.LittleEndian.Uint16(c)), true, nil
	}
	return 0, false, nil
}

// halfToFloat widens an IEEE 754 binary16 value.
func halfToFloat(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h>>10) & 0x1f
	frac := float64(h & 0x3ff)
	switch exp {
	case 0:
		return sign * math.Ldexp(frac, -24)
	case 0x1f:
		if frac != 0 {
			return math.NaN()
		}
		return math.Inf(int(sign))
	}
	return sign * math.Ldexp(1+frac/1024, exp-15)
}

// bfloat16ToFloat widens a bfloat16, the upper half of a float32.
func bfloat16ToFloat(h uint16) float64 {
	return float64(math.Float32frombits(uint32(h) << 16))
}
