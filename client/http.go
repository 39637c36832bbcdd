package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// DefaultURL is the server used when neither Config.URL nor SEXTANT_URL is
// set.
const DefaultURL = "http://127.0.0.1:8080"

// Errors a Client returns; the *APIError or transport error wrapping them
// carries the details.
var (
	// ErrUnavailable: the server could not be reached or asked to come back
	// later (429, 5xx). The same request may succeed later.
	ErrUnavailable = errors.New("server unavailable")
	// ErrExists: 409, the project or run exists already.
	ErrExists = errors.New("already exists")
	// ErrNotFound: 404.
	ErrNotFound = errors.New("not found")
)

// APIError is an error answer of the server.
type APIError struct {
	Status     int
	Code       string
	Message    string
	RetryAfter time.Duration // from a 429's Retry-After, else 0
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
}

// Is lets errors.Is match an APIError against the package's sentinels.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnavailable:
		return e.Status == http.StatusTooManyRequests || e.Status >= 500
	case ErrExists:
		return e.Status == http.StatusConflict
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	}
	return false
}

// Client calls one Sextant server with one API key.
type Client struct {
	base string
	key  string
	http *http.Client
}

// New returns a client for the server at baseURL with the given API key;
// empty values are taken from SEXTANT_URL and SEXTANT_API_KEY.
func New(baseURL, key string) *Client {
	if baseURL == "" {
		baseURL = os.Getenv("SEXTANT_URL")
	}
	if baseURL == "" {
		baseURL = DefaultURL
	}
	if key == "" {
		key = os.Getenv("SEXTANT_API_KEY")
	}
	return &Client{
		base: strings.TrimRight(baseURL, "/"),
		key:  key,
		http: &http.Client{Timeout: 60 * time.Second},
	}
}

// URL returns the server's base URL.
func (c *Client) URL() string { return c.base }

// Do sends a request with an optional body and returns the body of a 2xx
// answer. Other answers come back as *APIError, transport failures wrapped
// with ErrUnavailable.
func (c *Client) Do(ctx context.Context, method, path, contentType string,
	body []byte) ([]byte, error) {
	req, err := c.newRequest(ctx, method, path, contentType, body)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s %s: %w", method, path, ctx.Err())
		}
		return nil, fmt.Errorf("%s %s: %w: %w", method, path, ErrUnavailable, err)
	}
	defer func() { _ = resp.Body.Close() }() // read only: nothing to lose

	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: read answer: %w: %w", method, path, ErrUnavailable, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: %w", method, path, decodeError(resp, data))
	}
	return data, nil
}

// DoJSON sends in (when not nil) as JSON and decodes the answer into out
// (when not nil).
func (c *Client) DoJSON(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("encode %s %s: %w", method, path, err)
		}
	}
	data, err := c.Do(ctx, method, path, "application/json", body)
	if err != nil || out == nil {
		return err
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode %s %s: %w", method, path, err)
	}
	return nil
}

func (c *Client) newRequest(ctx context.Context, method, path, contentType string,
	body []byte) (*http.Request, error) {
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, reader)
	if err != nil {
		return nil, fmt.Errorf("new request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	return req, nil
}

func decodeError(resp *http.Response, data []byte) *APIError {
	e := &APIError{Status: resp.StatusCode}
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(data, &body) == nil && body.Error.Code != "" {
		e.Code, e.Message = body.Error.Code, body.Error.Message
	} else {
		e.Code, e.Message = http.StatusText(resp.StatusCode), string(data)
	}
	if secs, err := strconv.ParseFloat(resp.Header.Get("Retry-After"), 64); err == nil {
		e.RetryAfter = time.Duration(secs * float64(time.Second))
	}
	return e
}

// projectPath returns the API path of a project.
func projectPath(project string) string {
	return "/api/v1/projects/" + url.PathEscape(project)
}

// runPath returns the API path of a run.
func runPath(project, run string) string {
	return projectPath(project) + "/runs/" + url.PathEscape(run)
}
