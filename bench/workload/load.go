package workload

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// LoadDir reads every CSV file under root as one run. A file has the header
// `series,step,value` and one point per line; `nan`, `inf` and `-inf` are
// read as the non-finite values. The run id is the file's path below root,
// without the extension, with `/` replaced by `.`.
func LoadDir(root string) ([]Run, error) {
	var paths []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".csv") {
			paths = append(paths, path)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("walk %s: %w", root, err)
	}
	sort.Strings(paths)

	runs := make([]Run, 0, len(paths))
	for _, p := range paths {
		run, err := loadFile(p)
		if err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(root, p)
		run.ID = strings.ReplaceAll(strings.TrimSuffix(rel, ".csv"), "/", ".")
		runs = append(runs, run)
	}
	return runs, nil
}

func loadFile(path string) (Run, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Run{}, fmt.Errorf("read curves: %w", err)
	}
	index := make(map[string]int)
	var run Run
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 0; sc.Scan(); line++ {
		if line == 0 {
			continue // header
		}
		key, step, value, err := parseLine(sc.Text())
		if err != nil {
			return Run{}, fmt.Errorf("%s line %d: %w", path, line+1, err)
		}
		i, ok := index[key]
		if !ok {
			i = len(run.Series)
			index[key] = i
			run.Series = append(run.Series, Series{Key: key})
		}
		s := &run.Series[i]
		s.Steps = append(s.Steps, step)
		s.Values = append(s.Values, value)
	}
	return run, sc.Err()
}

// parseLine splits `key,step,value`; the key may itself hold commas, so the
// line is cut at its last two.
func parseLine(line string) (string, int64, float64, error) {
	v := strings.LastIndexByte(line, ',')
	if v < 0 {
		return "", 0, 0, fmt.Errorf("parse point %q: want key,step,value", line)
	}
	s := strings.LastIndexByte(line[:v], ',')
	if s < 0 {
		return "", 0, 0, fmt.Errorf("parse point %q: want key,step,value", line)
	}
	step, err := strconv.ParseInt(line[s+1:v], 10, 64)
	if err != nil {
		return "", 0, 0, fmt.Errorf("parse step: %w", err)
	}
	value, err := strconv.ParseFloat(line[v+1:], 64)
	if err != nil {
		return "", 0, 0, fmt.Errorf("parse value: %w", err)
	}
	return line[:s], step, value, nil
}
