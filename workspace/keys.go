package workspace

import (
	"crypto/sha256"
	"encoding/binary"
)

// Key kinds: the byte after "w/". See docs/format/workspace.md.
const (
	kindHead     = 'h' // w/h project owner: a workspace's history head
	kindRevision = 'r' // w/r project owner seq: one entry of its history
	kindView     = 'v' // w/v project id: a saved view
	kindReport   = 'p' // w/p project id: a report
	kindToken    = 't' // w/t sha256(token): a share link
	kindShares   = 's' // w/s project report sha256(token): a report's links
)

// keyPrefix starts every key of the package.
const keyPrefix = "w/"

// appendString appends s with its length as a uvarint in front, so that no
// string is a prefix of another's encoding and any byte may occur in s.
func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// makeKey returns "w/", the kind byte and each string, length-prefixed.
func makeKey(kind byte, parts ...string) []byte {
	k := make([]byte, 0, 3+len(parts)*16)
	k = append(k, keyPrefix...)
	k = append(k, kind)
	for _, p := range parts {
		k = appendString(k, p)
	}
	return k
}

func headKey(project, owner string) []byte {
	return makeKey(kindHead, project, owner)
}

// revisionKey is the prefix of a workspace's entries followed by seq, big
// endian, so that entries sort by seq.
func revisionKey(project, owner string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(makeKey(kindRevision, project, owner), seq)
}

func viewKey(project, id string) []byte   { return makeKey(kindView, project, id) }
func reportKey(project, id string) []byte { return makeKey(kindReport, project, id) }

// tokenHash is what the store keeps of a share token: the token itself
// never reaches the disk.
func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func tokenKey(hash []byte) []byte {
	return append(makeKey(kindToken), hash...)
}

func shareIndexKey(project, report string, hash []byte) []byte {
	return append(makeKey(kindShares, project, report), hash...)
}

// readString reads what appendString wrote, when it fills b exactly.
func readString(b []byte) (string, bool) {
	n, w := binary.Uvarint(b)
	if w <= 0 || uint64(len(b)-w) != n {
		return "", false
	}
	return string(b[w:]), true
}
