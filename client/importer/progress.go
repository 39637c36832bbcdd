package importer

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progress draws a one-line progress bar of bytes read over bytes to read.
// On a writer that is not a terminal it writes a line at most every few
// seconds instead of redrawing.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	terminal bool
	total    int64
	done     int64
	points   int64
	last     time.Time
	label    string
}

func newProgress(w io.Writer, terminal bool, total int64) *progress {
	return &progress{w: w, terminal: terminal, total: total}
}

// add counts bytes read and points sent, and redraws when it is time.
func (p *progress) add(bytes, points int64, label string) {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += bytes
	p.points += points
	p.label = label
	every := 100 * time.Millisecond
	if !p.terminal {
		every = 5 * time.Second
	}
	if time.Since(p.last) >= every {
		p.draw()
	}
}

// finish draws the final state and ends the line.
func (p *progress) finish() {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.draw()
	if p.terminal {
		p.print("\n")
	}
}

func (p *progress) draw() {
	p.last = time.Now()
	frac := 1.0
	if p.total > 0 {
		frac = min(1, float64(p.done)/float64(p.total))
	}
	const width = 30
	bar := strings.Repeat("=", int(frac*width)) + strings.Repeat(" ", width-int(frac*width))
	line := fmt.Sprintf("[%s] %3.0f%% %s / %s, %d points  %s",
		bar, frac*100, humanBytes(p.done), humanBytes(p.total), p.points, p.label)
	if p.terminal {
		p.print("\r\033[K" + line)
		return
	}
	p.print(line + "\n")
}

// print writes to the progress writer. A bar that cannot be drawn must not
// stop an import, so write errors are dropped.
func (p *progress) print(s string) {
	_, _ = io.WriteString(p.w, s)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
