package importer

import (
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers of the TensorFlow protos read here (event.proto,
// summary.proto, tensor.proto, tensor_shape.proto, types.proto).
const (
	eventWallTime = 1 // double
	eventStep     = 2 // int64
	eventSummary  = 5 // Summary

	summaryValue = 1 // repeated Summary.Value

	valueTag         = 1 // string
	valueSimpleValue = 2 // float
	valueTensor      = 8 // TensorProto
	valueMetadata    = 9 // SummaryMetadata

	metadataPluginData = 1 // PluginData
	pluginName         = 1 // string

	tensorDtype   = 1  // DataType
	tensorShape   = 2  // TensorShapeProto
	tensorContent = 4  // bytes, little endian
	tensorFloat   = 5  // packed float
	tensorDouble  = 6  // packed double
	tensorInt     = 7  // packed int32
	tensorInt64   = 10 // packed int64
	tensorBool    = 11 // packed bool
	tensorHalf    = 13 // packed int32 holding float16 or bfloat16 bits

	shapeDim = 2 // repeated Dim
	dimSize  = 1 // int64
)

// TensorFlow DataType values of the numbers a scalar may hold.
const (
	dtFloat    = 1
	dtDouble   = 2
	dtInt32    = 3
	dtUint8    = 4
	dtInt16    = 5
	dtInt8     = 6
	dtInt64    = 9
	dtBool     = 10
	dtBfloat16 = 14
	dtHalf     = 19
)

// Event is what the importer keeps of a TensorBoard event: its step, its
// wall time and its scalar summary values.
type Event struct {
	Step     int64
	WallTime float64
	Scalars  []Scalar
}

// Scalar is one scalar summary value.
type Scalar struct {
	Tag    string
	Value  float64
	Plugin string // the plugin named in the value's metadata, if any
	// Tensor tells a TF2-style tensor scalar from a TF1 simple_value.
	Tensor bool
}

// field is one decoded protobuf field.
type field struct {
	num    protowire.Number
	typ    protowire.Type
	varint uint64
	fixed  uint64
	bytes  []byte
}

// walk calls fn for every field of the message in b.
func walk(b []byte, fn func(f field) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("tag: %w", protowire.ParseError(n))
		}
		b = b[n:]
		f := field{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			f.varint, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var v uint32
			v, n = protowire.ConsumeFixed32(b)
			f.fixed = uint64(v)
		case protowire.Fixed64Type:
			f.fixed, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			f.bytes, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return fmt.Errorf("field %d: %w", num, protowire.ParseError(n))
		}
		b = b[n:]
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

// ParseEvent decodes the fields of an Event record the importer needs.
// Summary values that hold no scalar (images, histograms, text) are left
// out.
func ParseEvent(b []byte) (Event, error) {
	var ev Event
	err := walk(b, func(f field) error {
		switch {
		case f.num == eventWallTime && f.typ == protowire.Fixed64Type:
			ev.WallTime = math.Float64frombits(f.fixed)
		case f.num == eventStep && f.typ == protowire.VarintType:
			ev.Step = int64(f.varint)
		case f.num == eventSummary && f.typ == protowire.BytesType:
			return parseSummary(f.bytes, &ev)
		}
		return nil
	})
	if err != nil {
		return Event{}, fmt.Errorf("decode event: %w", err)
	}
	return ev, nil
}

func parseSummary(b []byte, ev *Event) error {
	return walk(b, func(f field) error {
		if f.num != summaryValue || f.typ != protowire.BytesType {
			return nil
		}
		s, ok, err := parseValue(f.bytes)
		if ok {
			ev.Scalars = append(ev.Scalars, s)
		}
		return err
	})
}

func parseValue(b []byte) (Scalar, bool, error) {
	var s Scalar
	var tensor []byte
	var hasSimple bool
	err := walk(b, func(f field) error {
		switch {
		case f.num == valueTag && f.typ == protowire.BytesType:
			s.Tag = string(f.bytes)
		case f.num == valueSimpleValue && f.typ == protowire.Fixed32Type:
			s.Value = float64(math.Float32frombits(uint32(f.fixed)))
			hasSimple = true
		case f.num == valueTensor && f.typ == protowire.BytesType:
			tensor = f.bytes
		case f.num == valueMetadata && f.typ == protowire.BytesType:
			return parseMetadata(f.bytes, &s)
		}
		return nil
	})
	if err != nil || hasSimple {
		return s, err == nil && s.Tag != "", err
	}
	if tensor == nil {
		return s, false, nil
	}
	v, ok, err := tensorScalar(tensor)
	s.Value, s.Tensor = v, true
	return s, ok && s.Tag != "", err
}

func parseMetadata(b []byte, s *Scalar) error {
	return walk(b, func(f field) error {
		if f.num != metadataPluginData || f.typ != protowire.BytesType {
			return nil
		}
		return walk(f.bytes, func(p field) error {
			if p.num == pluginName && p.typ == protowire.BytesType {
				s.Plugin = string(p.bytes)
			}
			return nil
		})
	})
}
