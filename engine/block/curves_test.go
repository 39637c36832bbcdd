package block

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// realBlockSize is the block size the real-curve figures are taken at.
const realBlockSize = 8192

// curve is one series of a real training run.
type curve struct {
	name   string
	steps  []int64
	values []float64
}

// dataDir locates the shared data: $SEXTANT_DATA, else ../shared/data from
// the repository root.
func dataDir(t testing.TB) string {
	if d := os.Getenv("SEXTANT_DATA"); d != "" {
		return d
	}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	for _, d := range []string{
		filepath.Join(root, "..", "shared", "data"),
		filepath.Join(root, "..", "..", "shared", "data"),
	} {
		if _, err := os.Stat(filepath.Join(d, "training-curves")); err == nil {
			return d
		}
	}
	t.Skip("no training curves: set SEXTANT_DATA or place them in ../shared/data")
	return ""
}

// loadCurves reads every CSV under training-curves, one curve per series of
// each file, in file order.
func loadCurves(t testing.TB) []curve {
	dir := filepath.Join(dataDir(t), "training-curves")
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.csv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("glob %s: %v, %d files", dir, err, len(files))
	}
	var curves []curve
	for _, f := range files {
		curves = append(curves, readCurves(t, f)...)
	}
	return curves
}

func readCurves(t testing.TB, path string) []curve {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	index := map[string]int{}
	var curves []curve
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		name, step, value := splitRow(t, path, sc.Text())
		i, ok := index[name]
		if !ok {
			i = len(curves)
			index[name] = i
			curves = append(curves, curve{name: filepath.Base(path) + ":" + name})
		}
		curves[i].steps = append(curves[i].steps, step)
		curves[i].values = append(curves[i].values, value)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return curves
}

func splitRow(t testing.TB, path, line string) (string, int64, float64) {
	j := strings.LastIndexByte(line, ',')
	i := strings.LastIndexByte(line[:j], ',')
	step, err1 := strconv.ParseInt(line[i+1:j], 10, 64)
	value, err2 := strconv.ParseFloat(line[j+1:], 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("%s: row %q: %v %v", path, line, err1, err2)
	}
	return line[:i], step, value
}

// blocks cuts every curve into blocks of at most size points.
func blocks(curves []curve, size int) []curve {
	var out []curve
	for _, c := range curves {
		for lo := 0; lo < len(c.steps); lo += size {
			hi := min(lo+size, len(c.steps))
			out = append(out, curve{c.name, c.steps[lo:hi], c.values[lo:hi]})
		}
	}
	return out
}
