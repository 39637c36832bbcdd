package mlflowmap

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// The JSON shapes of MLflow's REST API: its protobuf messages as
// protobuf's JSON mapping writes them, field names in snake_case.

// Experiment is an MLflow experiment.
type Experiment struct {
	ExperimentID     string `json:"experiment_id"`
	Name             string `json:"name"`
	ArtifactLocation string `json:"artifact_location"`
	LifecycleStage   string `json:"lifecycle_stage"`
	CreationTime     Int    `json:"creation_time"`
	LastUpdateTime   Int    `json:"last_update_time"`
	Tags             []Tag  `json:"tags"`
}

// Tag is a key and a value; params have the same shape.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Metric is one value of a metric.
type Metric struct {
	Key       string `json:"key"`
	Value     Float  `json:"value"`
	Timestamp Int    `json:"timestamp"` // milliseconds since the epoch
	Step      Int    `json:"step"`
}

// RunInfo is a run's metadata.
type RunInfo struct {
	RunID          string `json:"run_id"`
	RunUUID        string `json:"run_uuid"` // the same id, for old clients
	RunName        string `json:"run_name"`
	ExperimentID   string `json:"experiment_id"`
	UserID         string `json:"user_id"`
	Status         string `json:"status"`
	StartTime      Int    `json:"start_time"`
	EndTime        Int    `json:"end_time,omitempty"`
	ArtifactURI    string `json:"artifact_uri"`
	LifecycleStage string `json:"lifecycle_stage"`
}

// RunData is a run's latest metrics, params and tags.
type RunData struct {
	Metrics []Metric `json:"metrics"`
	Params  []Tag    `json:"params"`
	Tags    []Tag    `json:"tags"`
}

// Run is a run as MLflow returns it.
type Run struct {
	Info   RunInfo  `json:"info"`
	Data   RunData  `json:"data"`
	Inputs struct{} `json:"inputs"`
}

// Int is an int64 that reads from a JSON number or string (protobuf's JSON
// mapping writes 64-bit integers as strings).
type Int int64

// UnmarshalJSON reads 12 or "12".
func (i *Int) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if len(b) == 0 || string(b) == "null" {
		*i = 0
		return nil
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(string(b), 64)
		if ferr != nil || f != math.Trunc(f) {
			return fmt.Errorf("integer: %q: %w", b, err)
		}
		v = int64(f)
	}
	*i = Int(v)
	return nil
}

// Float is a float64 that reads from a JSON number or one of the strings
// "NaN", "Infinity" and "-Infinity", and writes non-finite values as those
// strings.
type Float float64

// UnmarshalJSON reads 0.5, "0.5", "NaN", "Infinity" or "-Infinity".
func (f *Float) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	switch s {
	case "NaN", "nan":
		*f = Float(math.NaN())
		return nil
	case "Infinity", "inf":
		*f = Float(math.Inf(1))
		return nil
	case "-Infinity", "-inf":
		*f = Float(math.Inf(-1))
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("number: %q: %w", s, err)
	}
	*f = Float(v)
	return nil
}

// MarshalJSON writes the shortest form that reads back to the same bits.
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	switch {
	case math.IsNaN(v):
		return []byte(`"NaN"`), nil
	case math.IsInf(v, 1):
		return []byte(`"Infinity"`), nil
	case math.IsInf(v, -1):
		return []byte(`"-Infinity"`), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// ParamValue returns a config value as an MLflow param: strings as they
// are, anything else as its JSON.
func ParamValue(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
