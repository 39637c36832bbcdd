package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// demoClient fills a server over its HTTP API, as a training script would.
type demoClient struct {
	base string
	key  string
	http *http.Client
}

func newDemoClient(base, key string) *demoClient {
	return &demoClient{base: base, key: key, http: &http.Client{Timeout: time.Minute}}
}

// call sends body as JSON and returns the status; any answer but a 2xx or
// one of okStatus is an error carrying the server's message.
func (d *demoClient) call(ctx context.Context, method, path string, body any,
	okStatus ...int) (int, error) {
	data, err := json.Marshal(body)
	if err != nil {
		return 0, fmt.Errorf("encode %s %s: %w", method, path, err)
	}
	req, err := http.NewRequestWithContext(ctx, method, d.base+"/api/v1"+path, bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+d.key)
	req.Header.Set("Content-Type", "application/json")
	res, err := d.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer func() { _ = res.Body.Close() }()
	msg, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	if res.StatusCode/100 == 2 {
		return res.StatusCode, nil
	}
	for _, s := range okStatus {
		if res.StatusCode == s {
			return res.StatusCode, nil
		}
	}
	return res.StatusCode, fmt.Errorf("%s %s: %d %s",
		method, path, res.StatusCode, bytes.TrimSpace(msg))
}

// fill creates the project and the sweep's runs; runs that exist are
// skipped, so filling twice changes nothing.
func (d *demoClient) fill(ctx context.Context, project string, runs, steps int) error {
	body := map[string]string{"name": project, "visibility": "private"}
	if _, err := d.call(ctx, "POST", "/projects", body, http.StatusConflict); err != nil {
		return err
	}
	start := time.Now().Add(-time.Duration(runs*steps/4) * time.Second)
	for _, r := range sweep(runs, steps, start) {
		if err := d.fillRun(ctx, project, r); err != nil {
			return fmt.Errorf("run %s: %w", r.ID, err)
		}
	}
	return nil
}

func (d *demoClient) fillRun(ctx context.Context, project string, r demoRun) error {
	meta := map[string]any{
		"id": r.ID, "name": r.Name, "group": r.Group, "job_type": "train",
		"tags": r.Tags, "notes": r.Notes, "config": r.Config,
	}
	status, err := d.call(ctx, "POST", "/projects/"+project+"/runs", meta, http.StatusConflict)
	if err != nil || status == http.StatusConflict {
		return err
	}
	path := fmt.Sprintf("/projects/%s/runs/%s/history", project, r.ID)
	const batch = 500
	for i := 0; i < len(r.Rows); i += batch {
		rows := r.Rows[i:min(i+batch, len(r.Rows))]
		if _, err := d.call(ctx, "POST", path, map[string]any{"rows": rows}); err != nil {
			return err
		}
	}
	patch := map[string]any{"state": r.State}
	_, err = d.call(ctx, "PATCH", "/projects/"+project+"/runs/"+r.ID, patch)
	return err
}

// keepLogging extends the running run by a step a second until ctx ends.
func (d *demoClient) keepLogging(ctx context.Context, project string, steps int) {
	run := sweep(1, steps, time.Now())[0]
	id := liveRunID
	path := fmt.Sprintf("/projects/%s/runs/%s/history", project, id)
	for step := steps; ; step++ {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
		row := curveRow(run.curve, step, float64(time.Now().UnixNano())/1e9)
		if _, err := d.call(ctx, "POST", path, map[string]any{"rows": []demoRow{row}}); err != nil {
			return
		}
	}
}
