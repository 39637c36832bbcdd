package server

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"sync"
)

// buildStamp names the code that computes chart answers: the SHA-256 of
// the running executable, so that a saved answer cache is dropped by any
// other build, which may draw differently.
var buildStamp = sync.OnceValues(func() ([]byte, error) {
	path, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find executable: %w", err)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("hash executable: %w", err)
	}
	defer f.Close() //nolint:errcheck // read only; a close error loses nothing
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, fmt.Errorf("hash executable: %w", err)
	}
	return h.Sum(nil), nil
})

// LoadAnswers fills the chart answer cache from the directory dir, saved
// by SaveAnswers at the last clean stop, and removes dir. It returns the
// bytes loaded. An error means the cache starts empty, not that the
// server cannot run. Call it before serving.
func (s *Server) LoadAnswers(dir string) (int64, error) {
	build, err := buildStamp()
	if err != nil {
		return 0, fmt.Errorf("load answer cache: %w", err)
	}
	return s.charts.LoadCache(dir, build)
}

// SaveAnswers writes the chart answer cache to the directory dir. Call it
// only after the store closed cleanly, so that the saved answers describe
// the data the next start finds.
func (s *Server) SaveAnswers(dir string) error {
	build, err := buildStamp()
	if err != nil {
		return fmt.Errorf("save answer cache: %w", err)
	}
	return s.charts.SaveCache(dir, build)
}
