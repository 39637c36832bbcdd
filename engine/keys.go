package engine

import (
	"bytes"
	"encoding/binary"
)

// Key prefixes of the engine's records. Every engine key starts with "e/";
// docs/format/keys.md draws each layout.
const (
	prefixProject = "e/p/" // e/p/<project>: project record
	prefixRun     = "e/r/" // e/r/<project>/<run>: run record
	prefixKey     = "e/k/" // e/k/<project>/<run>/<key>: no longer written
	prefixBlock   = "e/b/" // e/b/<project>/<run>/<key> 0x00 <minStep> <id>: block
	prefixSummary = "e/s/" // e/s/<project>/<run>/<key> 0x00 <minStep>: summary
)

// seriesSep ends the metric key inside block and summary keys. Metric keys
// hold no control characters, so the separator never occurs inside one.
const seriesSep = 0x00

func projectKey(project string) []byte {
	return append([]byte(prefixProject), project...)
}

func runKey(project, run string) []byte {
	k := append([]byte(prefixRun), project...)
	k = append(k, '/')
	return append(k, run...)
}

// runPrefix returns prefix/<project>/<run>/, which starts every key of the
// run under prefix and no key of another run.
func runPrefix(prefix, project, run string) []byte {
	k := append([]byte(prefix), project...)
	k = append(k, '/')
	k = append(k, run...)
	return append(k, '/')
}

// seriesPrefix returns the prefix shared by the block or summary keys of a
// series, in increasing minStep.
func seriesPrefix(prefix, project, run, key string) []byte {
	k := append(runPrefix(prefix, project, run), key...)
	return append(k, seriesSep)
}

// seriesKey returns the block or summary key of the block starting at
// minStep. Steps are never negative, so big-endian order is step order.
func seriesKey(prefix, project, run, key string, minStep int64) []byte {
	return binary.BigEndian.AppendUint64(seriesPrefix(prefix, project, run, key),
		uint64(minStep))
}

// splitRunKey splits the part of a key after its prefix into project, run
// and the rest: "<project>/<run>/<rest>" or "<project>/<run>".
func splitRunKey(k []byte) (project, run string, rest []byte, ok bool) {
	i := bytes.IndexByte(k, '/')
	if i <= 0 {
		return "", "", nil, false
	}
	project, k = string(k[:i]), k[i+1:]
	j := bytes.IndexByte(k, '/')
	if j < 0 {
		return project, string(k), nil, len(k) > 0
	}
	return project, string(k[:j]), k[j+1:], j > 0
}
