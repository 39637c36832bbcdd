package importer

import (
	"encoding/binary"
	"math"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// Builders of the protobuf messages ParseEvent reads, field by field.

func event(step int64, wall float64, values ...[]byte) []byte {
	b := protowire.AppendTag(nil, eventWallTime, protowire.Fixed64Type)
	b = protowire.AppendFixed64(b, math.Float64bits(wall))
	b = protowire.AppendTag(b, eventStep, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(step))
	var summary []byte
	for _, v := range values {
		summary = protowire.AppendTag(summary, summaryValue, protowire.BytesType)
		summary = protowire.AppendBytes(summary, v)
	}
	b = protowire.AppendTag(b, eventSummary, protowire.BytesType)
	return protowire.AppendBytes(b, summary)
}

func simpleValue(tag string, v float32) []byte {
	b := protowire.AppendTag(nil, valueTag, protowire.BytesType)
	b = protowire.AppendString(b, tag)
	b = protowire.AppendTag(b, valueSimpleValue, protowire.Fixed32Type)
	return protowire.AppendFixed32(b, math.Float32bits(v))
}

func tensorValue(tag, plugin string, tensor []byte) []byte {
	b := protowire.AppendTag(nil, valueTag, protowire.BytesType)
	b = protowire.AppendString(b, tag)
	b = protowire.AppendTag(b, valueTensor, protowire.BytesType)
	b = protowire.AppendBytes(b, tensor)
	if plugin != "" {
		pd := protowire.AppendTag(nil, pluginName, protowire.BytesType)
		pd = protowire.AppendString(pd, plugin)
		md := protowire.AppendTag(nil, metadataPluginData, protowire.BytesType)
		md = protowire.AppendBytes(md, pd)
		b = protowire.AppendTag(b, valueMetadata, protowire.BytesType)
		b = protowire.AppendBytes(b, md)
	}
	return b
}

// tensor builds a TensorProto of dtype with the given dims and one field of
// values (num, already encoded as the field's payload).
func tensor(dtype uint64, dims []int64, num protowire.Number, typ protowire.Type,
	payload []byte) []byte {
	b := protowire.AppendTag(nil, tensorDtype, protowire.VarintType)
	b = protowire.AppendVarint(b, dtype)
	var shape []byte
	for _, d := range dims {
		dim := protowire.AppendTag(nil, dimSize, protowire.VarintType)
		dim = protowire.AppendVarint(dim, uint64(d))
		shape = protowire.AppendTag(shape, shapeDim, protowire.BytesType)
		shape = protowire.AppendBytes(shape, dim)
	}
	b = protowire.AppendTag(b, tensorShape, protowire.BytesType)
	b = protowire.AppendBytes(b, shape)
	b = protowire.AppendTag(b, num, typ)
	if typ == protowire.BytesType {
		return protowire.AppendBytes(b, payload)
	}
	return append(b, payload...) // a fixed-size value, already encoded
}

func le32(v float32) []byte { return binary.LittleEndian.AppendUint32(nil, math.Float32bits(v)) }
func le64(v float64) []byte { return binary.LittleEndian.AppendUint64(nil, math.Float64bits(v)) }

func TestParseEventScalars(t *testing.T) {
	bt := protowire.BytesType
	tests := []struct {
		name   string
		value  []byte
		want   float64
		plugin string
		ok     bool
	}{
		{"simple_value", simpleValue("loss", 0.25), 0.25, "", true},
		{"simple_value NaN", simpleValue("nan", float32(math.NaN())),
			float64(float32(math.NaN())), "", true},
		{"float tensor_content", tensorValue("a", "scalars",
			tensor(dtFloat, nil, tensorContent, bt, le32(0.1))), float64(float32(0.1)), "scalars", true},
		{"double tensor_content", tensorValue("a", "scalars",
			tensor(dtDouble, nil, tensorContent, bt, le64(0.1))), 0.1, "scalars", true},
		{"packed float_val", tensorValue("a", "",
			tensor(dtFloat, nil, tensorFloat, bt, le32(-2))), -2, "", true},
		{"unpacked double_val", tensorValue("a", "",
			tensor(dtDouble, []int64{1}, tensorDouble, protowire.Fixed64Type, le64(7.5))), 7.5, "", true},
		{"int64_val", tensorValue("a", "",
			tensor(dtInt64, nil, tensorInt64, bt, protowire.AppendVarint(nil, 42))), 42, "", true},
		{"half_val", tensorValue("a", "",
			tensor(dtHalf, nil, tensorHalf, bt, protowire.AppendVarint(nil, 0x3c00))), 1, "", true},
		{"histogram-shaped tensor", tensorValue("h", "histograms",
			tensor(dtDouble, []int64{2, 3}, tensorContent, bt, make([]byte, 48))), 0, "", false},
		{"string tensor", tensorValue("t", "text",
			tensor(7, nil, 8, bt, []byte("hello"))), 0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := ParseEvent(event(3, 1.5e9, tt.value))
			if err != nil {
				t.Fatalf("ParseEvent: %v", err)
			}
			if ev.Step != 3 || ev.WallTime != 1.5e9 {
				t.Errorf("ParseEvent step, wall = %d, %v; want 3, 1.5e9", ev.Step, ev.WallTime)
			}
			if got := len(ev.Scalars) == 1; got != tt.ok {
				t.Fatalf("ParseEvent scalars = %+v, want one: %v", ev.Scalars, tt.ok)
			}
			if !tt.ok {
				return
			}
			s := ev.Scalars[0]
			if math.Float64bits(s.Value) != math.Float64bits(tt.want) || s.Plugin != tt.plugin {
				t.Errorf("scalar = %v (plugin %q), want %v (plugin %q)", s.Value, s.Plugin, tt.want, tt.plugin)
			}
		})
	}
}

func TestParseEventRejectsGarbage(t *testing.T) {
	if _, err := ParseEvent([]byte{0x0a, 0xff}); err == nil {
		t.Errorf("ParseEvent(truncated bytes field) = nil error, want one")
	}
}

func TestEventRowPluginFromFirstValue(t *testing.T) {
	plugins := map[string]string{}
	one := tensor(dtFloat, nil, tensorContent, protowire.BytesType, le32(1))
	first := tensorValue("img", "images", one)
	later := tensorValue("img", "", one)
	for i, v := range [][]byte{first, later} {
		if _, ok, err := eventRow(event(int64(i), 0, v), plugins); ok || err != nil {
			t.Errorf("eventRow(value %d of an images tag) = ok %v, err %v; want skipped", i, ok, err)
		}
	}
}
