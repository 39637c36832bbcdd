package workspace

import (
	"encoding/binary"
	"fmt"
	"time"
)

// formatV1 is the first byte of every value the package stores.
const formatV1 = 1

// head is the state of one workspace's history. Entries first..last are
// stored, contiguous; pos is the one shown. Revision counts every change
// (save, undo, redo, copy) and never repeats, so a client holding an old
// revision is always detected, even after an undo brought back an older
// spec.
type head struct {
	revision uint64
	first    uint64
	pos      uint64
	last     uint64
	updated  time.Time
}

// exists reports whether the workspace was ever saved.
func (h *head) exists() bool { return h.revision > 0 }

// appendHead encodes h as
//
//	format byte (1) | revision | first | pos | last uvarints | updated
//	(varint, Unix milliseconds)
func appendHead(dst []byte, h head) []byte {
	dst = append(dst, formatV1)
	for _, v := range []uint64{h.revision, h.first, h.pos, h.last} {
		dst = binary.AppendUvarint(dst, v)
	}
	return binary.AppendVarint(dst, h.updated.UnixMilli())
}

// decodeHead reads what appendHead wrote.
func decodeHead(b []byte) (head, error) {
	if len(b) == 0 || b[0] != formatV1 {
		return head{}, fmt.Errorf("decode workspace head: format byte: %w", ErrCorrupt)
	}
	b = b[1:]
	var vals [4]uint64
	for i := range vals {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return head{}, fmt.Errorf("decode workspace head: field %d: %w", i, ErrCorrupt)
		}
		vals[i], b = v, b[n:]
	}
	ms, n := binary.Varint(b)
	if n <= 0 || n != len(b) {
		return head{}, fmt.Errorf("decode workspace head: updated: %w", ErrCorrupt)
	}
	h := head{revision: vals[0], first: vals[1], pos: vals[2], last: vals[3],
		updated: time.UnixMilli(ms).UTC()}
	if h.first > h.pos || h.pos > h.last || h.first == 0 {
		return head{}, fmt.Errorf("decode workspace head: entries %d <= %d <= %d: %w",
			h.first, h.pos, h.last, ErrCorrupt)
	}
	return h, nil
}
