package importer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// ErrCorrupt marks a record whose checksum does not match its bytes.
var ErrCorrupt = errors.New("corrupt record")

// ErrTruncated marks a file that ends inside a record, as one still being
// written does.
var ErrTruncated = errors.New("truncated record")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// maskedCRC returns the masked CRC-32C that TFRecord framing stores: the
// checksum rotated right by 15 bits plus a constant, so that a CRC of data
// that itself holds CRCs stays well distributed.
func maskedCRC(data []byte) uint32 {
	c := crc32.Checksum(data, castagnoli)
	return (c>>15 | c<<17) + 0xa282ead8
}

// RecordReader reads the records of a TFRecord stream:
//
//	length    uint64, little endian
//	lengthCRC uint32, masked CRC-32C of the 8 length bytes
//	data      length bytes
//	dataCRC   uint32, masked CRC-32C of data
type RecordReader struct {
	r      io.Reader
	offset int64 // of the next record
	header [12]byte
	buf    []byte
}

// NewRecordReader returns a reader of the records in r.
func NewRecordReader(r io.Reader) *RecordReader { return &RecordReader{r: r} }

// Offset returns the byte offset of the next record.
func (rr *RecordReader) Offset() int64 { return rr.offset }

// Next returns the next record's data, valid until the next call; io.EOF at
// a clean end. A bad length checksum is ErrCorrupt and ends the stream (its
// framing is lost); a bad data checksum is ErrCorrupt too, but the reader
// has stepped over the record, so the caller may go on.
func (rr *RecordReader) Next() ([]byte, error) {
	at := rr.offset
	n, err := io.ReadFull(rr.r, rr.header[:])
	if n == 0 && err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		return nil, fmt.Errorf("record at %d: header: %w", at, ErrTruncated)
	}
	length := binary.LittleEndian.Uint64(rr.header[:8])
	if maskedCRC(rr.header[:8]) != binary.LittleEndian.Uint32(rr.header[8:]) {
		return nil, fmt.Errorf("record at %d: length checksum: %w", at, ErrCorrupt)
	}
	if length > 1<<31 {
		return nil, fmt.Errorf("record at %d: length %d: %w", at, length, ErrCorrupt)
	}

	if cap(rr.buf) < int(length)+4 {
		rr.buf = make([]byte, int(length)+4)
	}
	buf := rr.buf[:int(length)+4]
	if _, err := io.ReadFull(rr.r, buf); err != nil {
		return nil, fmt.Errorf("record at %d: data: %w", at, ErrTruncated)
	}
	rr.offset += 12 + int64(len(buf))

	data := buf[:length]
	if maskedCRC(data) != binary.LittleEndian.Uint32(buf[length:]) {
		return nil, fmt.Errorf("record at %d: data checksum: %w", at, ErrCorrupt)
	}
	return data, nil
}

// AppendRecord appends data framed as one TFRecord to dst.
func AppendRecord(dst, data []byte) []byte {
	var header [12]byte
	binary.LittleEndian.PutUint64(header[:8], uint64(len(data)))
	binary.LittleEndian.PutUint32(header[8:], maskedCRC(header[:8]))
	dst = append(dst, header[:]...)
	dst = append(dst, data...)
	return binary.LittleEndian.AppendUint32(dst, maskedCRC(data))
}
