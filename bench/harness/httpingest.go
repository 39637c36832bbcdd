package harness

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/sextant-ml/sextant/bench/workload"
)

// Request is a history request ready to send: the run it is for, its NDJSON
// body and the points it carries.
type Request struct {
	Run    string
	Body   []byte
	Points int
}

// EncodePlan encodes every batch of a plan as NDJSON, before any clock
// starts: a training script encodes on its own machine.
func EncodePlan(plan [][]workload.Batch) [][]Request {
	out := make([][]Request, len(plan))
	for w, batches := range plan {
		for _, b := range batches {
			out[w] = append(out[w], Request{Run: b.Run, Body: AppendNDJSON(nil, b),
				Points: b.Points()})
		}
	}
	return out
}

// HTTPIngestResult is what a server acknowledged over HTTP.
type HTTPIngestResult struct {
	Points   int // as the server counted them in its answers
	Bytes    int // request bodies sent
	Requests int
	Elapsed  time.Duration
}

// Rate returns acknowledged points per second.
func (r HTTPIngestResult) Rate() float64 { return float64(r.Points) / r.Elapsed.Seconds() }

// HTTPIngest sends each client's requests from its own goroutine, one at a
// time, waiting for each answer, as a client library with one request in
// flight does.
func HTTPIngest(c *Client, project string, plan [][]Request) (HTTPIngestResult, error) {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		res  HTTPIngestResult
		errs = make([]error, len(plan))
	)
	start := time.Now()
	for w, reqs := range plan {
		wg.Go(func() {
			for _, r := range reqs {
				var ans struct{ Rows, Points int }
				path := fmt.Sprintf("/api/v1/projects/%s/runs/%s/history",
					url.PathEscape(project), url.PathEscape(r.Run))
				err := c.Do(context.Background(), http.MethodPost, path,
					"application/x-ndjson", r.Body, &ans)
				if err != nil {
					errs[w] = fmt.Errorf("post history of %s: %w", r.Run, err)
					return
				}
				mu.Lock()
				res.Points += ans.Points
				res.Bytes += len(r.Body)
				res.Requests++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	for _, err := range errs {
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// CreateRuns creates the project (unless it exists) and runs over HTTP.
func CreateRuns(c *Client, project string, ids []string) error {
	err := c.PostJSON("/api/v1/projects", map[string]string{"name": project}, nil)
	if err != nil && !IsConflict(err) {
		return fmt.Errorf("create project: %w", err)
	}
	for _, id := range ids {
		err := c.PostJSON("/api/v1/projects/"+url.PathEscape(project)+"/runs",
			map[string]string{"id": id}, nil)
		if err != nil && !IsConflict(err) {
			return fmt.Errorf("create run %s: %w", id, err)
		}
	}
	return nil
}
