package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Project is what creating a project takes.
type Project struct {
	Name       string `json:"name"`
	Team       string `json:"team,omitempty"`
	Visibility string `json:"visibility,omitempty"` // "private" (default) or "public"
}

// RunSpec is what creating a run takes; the server generates ID when empty.
type RunSpec struct {
	ID      string         `json:"id,omitempty"`
	Name    string         `json:"name,omitempty"`
	Group   string         `json:"group,omitempty"`
	JobType string         `json:"job_type,omitempty"`
	Tags    []string       `json:"tags,omitempty"`
	Notes   string         `json:"notes,omitempty"`
	Config  map[string]any `json:"config,omitempty"`
}

// RunPatch changes the fields that are set; Config is merged key by key.
type RunPatch struct {
	Name   *string        `json:"name,omitempty"`
	Group  *string        `json:"group,omitempty"`
	Tags   *[]string      `json:"tags,omitempty"`
	Notes  *string        `json:"notes,omitempty"`
	State  *string        `json:"state,omitempty"`
	Config map[string]any `json:"config,omitempty"`
}

// RunInfo is a run as the server describes it.
type RunInfo struct {
	Project   string                   `json:"project"`
	ID        string                   `json:"id"`
	Name      string                   `json:"name"`
	Group     string                   `json:"group"`
	JobType   string                   `json:"job_type"`
	Tags      []string                 `json:"tags"`
	Notes     string                   `json:"notes"`
	Config    map[string]any           `json:"config"`
	State     string                   `json:"state"`
	Author    string                   `json:"author"`
	Created   time.Time                `json:"created"`
	Heartbeat time.Time                `json:"heartbeat"`
	Summary   map[string]MetricSummary `json:"summary"`
	LastStep  int64                    `json:"last_step"`
}

// MetricSummary is the last point and the extremes of one metric of a run.
// The server writes non-finite values as strings, so they are kept raw.
type MetricSummary struct {
	Last json.RawMessage `json:"last"`
	Step int64           `json:"step"`
	Min  json.RawMessage `json:"min"`
	Max  json.RawMessage `json:"max"`
}

// AppendResult counts what a history POST stored.
type AppendResult struct {
	Rows   int `json:"rows"`
	Points int `json:"points"`
}

// CreateProject creates a project; ErrExists when the name is taken.
func (c *Client) CreateProject(ctx context.Context, p Project) error {
	return c.DoJSON(ctx, "POST", "/api/v1/projects", p, nil)
}

// EnsureProject creates the project unless it exists.
func (c *Client) EnsureProject(ctx context.Context, name string) error {
	err := c.CreateProject(ctx, Project{Name: name})
	if errors.Is(err, ErrExists) {
		return nil
	}
	return err
}

// CreateRun creates a run; ErrExists when the id is taken.
func (c *Client) CreateRun(ctx context.Context, project string, spec RunSpec) (RunInfo, error) {
	var run RunInfo
	err := c.DoJSON(ctx, "POST", projectPath(project)+"/runs", spec, &run)
	return run, err
}

// EnsureRun creates the run unless a run with spec.ID exists, and returns
// it as the server has it, and whether it was created.
func (c *Client) EnsureRun(ctx context.Context, project string,
	spec RunSpec) (RunInfo, bool, error) {
	run, err := c.CreateRun(ctx, project, spec)
	if errors.Is(err, ErrExists) && spec.ID != "" {
		run, err = c.Run(ctx, project, spec.ID)
		return run, false, err
	}
	return run, err == nil, err
}

// Run returns one run; ErrNotFound when it does not exist.
func (c *Client) Run(ctx context.Context, project, id string) (RunInfo, error) {
	var run RunInfo
	err := c.DoJSON(ctx, "GET", runPath(project, id), nil, &run)
	return run, err
}

// UpdateRun applies a patch to a run.
func (c *Client) UpdateRun(ctx context.Context, project, id string, p RunPatch) error {
	return c.DoJSON(ctx, "PATCH", runPath(project, id), p, nil)
}

// AppendRows sends history rows in one request. Rows with Step < 0 take the
// run's next step on the server, so only rows with a step are idempotent.
func (c *Client) AppendRows(ctx context.Context, project, run string,
	rows []Row) (AppendResult, error) {
	var body []byte
	for _, r := range rows {
		body = r.AppendJSON(body)
		body = append(body, '\n')
	}
	return c.AppendNDJSON(ctx, project, run, body)
}

// AppendNDJSON sends rows already encoded one per line.
func (c *Client) AppendNDJSON(ctx context.Context, project, run string,
	body []byte) (AppendResult, error) {
	var res AppendResult
	data, err := c.Do(ctx, "POST", runPath(project, run)+"/history", "application/x-ndjson", body)
	if err != nil {
		return res, err
	}
	if err := json.Unmarshal(data, &res); err != nil {
		return res, fmt.Errorf("decode history answer: %w", err)
	}
	return res, nil
}
