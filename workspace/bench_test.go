package workspace

import (
	"fmt"
	"testing"
)

// benchKeys returns n keys over 20 sections, as a project with per-layer
// metrics logs them.
func benchKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("block%02d/layer%04d/grad_norm", i%20, i)
	}
	return keys
}

// BenchmarkSyncArranged measures the read path of an arranged workspace of
// 1,000 panels when 10 keys are new.
func BenchmarkSyncArranged(b *testing.B) {
	keys := benchKeys(1010)
	s := AutoLayout(keys[:1000])
	s.Auto = false
	b.ReportAllocs()
	for b.Loop() {
		if _, changed := Sync(s, keys); !changed {
			b.Fatal("Sync found no new key")
		}
	}
}

// BenchmarkDecode measures reading a stored spec of 1,000 panels.
func BenchmarkDecode(b *testing.B) {
	s := AutoLayout(benchKeys(1000))
	data, err := s.Encode()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}
