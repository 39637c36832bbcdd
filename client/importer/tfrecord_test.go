package importer

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestRecordReaderRoundTrip(t *testing.T) {
	records := [][]byte{[]byte("first"), {}, bytes.Repeat([]byte{0xab}, 70000)}
	var stream []byte
	for _, r := range records {
		stream = AppendRecord(stream, r)
	}
	rr := NewRecordReader(bytes.NewReader(stream))
	for i, want := range records {
		got, err := rr.Next()
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("Next() record %d = %d bytes, %v; want %d bytes", i, len(got), err, len(want))
		}
	}
	if _, err := rr.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("Next() after the last record = %v, want io.EOF", err)
	}
}

// TestMaskedCRC pins the checksum against the first frame header of a file
// written by tensorboard's EventFileWriter: length 72, then its masked CRC
// bytes fe 92 48 9d.
func TestMaskedCRC(t *testing.T) {
	length := []byte{72, 0, 0, 0, 0, 0, 0, 0}
	if got, want := maskedCRC(length), uint32(0x9d4892fe); got != want {
		t.Errorf("maskedCRC(len 72) = %#x, want %#x", got, want)
	}
}

func TestRecordReaderCorruption(t *testing.T) {
	good := AppendRecord(nil, []byte("payload"))
	tests := []struct {
		name     string
		mutate   func([]byte) []byte
		want     error
		goesOn   bool // the reader stepped over the record
		nextData string
	}{
		{"data byte flipped", func(b []byte) []byte { b[13] ^= 1; return b },
			ErrCorrupt, true, "payload"},
		{"data crc flipped", func(b []byte) []byte { b[len(good)-1] ^= 1; return b },
			ErrCorrupt, true, "payload"},
		{"length flipped", func(b []byte) []byte { b[0] ^= 1; return b }, ErrCorrupt, false, ""},
		{"cut in data", func(b []byte) []byte { return b[:15] }, ErrTruncated, false, ""},
		{"cut in header", func(b []byte) []byte { return b[:5] }, ErrTruncated, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream := tt.mutate(append([]byte{}, good...))
			if tt.goesOn {
				stream = append(stream, good...)
			}
			rr := NewRecordReader(bytes.NewReader(stream))
			_, err := rr.Next()
			if !errors.Is(err, tt.want) {
				t.Fatalf("Next() = %v, want %v", err, tt.want)
			}
			if moved := rr.Offset() > 0; moved != tt.goesOn {
				t.Fatalf("Offset() after the error = %d, want moved %v", rr.Offset(), tt.goesOn)
			}
			if tt.goesOn {
				data, err := rr.Next()
				if err != nil || string(data) != tt.nextData {
					t.Errorf("Next() after a skipped record = %q, %v; want %q", data, err, tt.nextData)
				}
			}
		})
	}
}
