// Package mlflowmap says how MLflow's data model maps onto Sextant's, for
// the MLflow-compatible REST API (server/mlflow.go) and the mlruns importer
// (client/importer), which must agree.
//
//	MLflow                      Sextant
//	experiment "NAME"           project ProjectName("NAME"): NAME with every
//	                            byte a project name cannot hold as '-'
//	experiment_id               the project name; "0" is project "Default"
//	run_id                      run id (unchanged)
//	run name, mlflow.runName    run name
//	param KEY = "VALUE"         config KEY = "VALUE" (a string, as MLflow keeps it)
//	tag KEY = "VALUE"           config "_mlflow_tags" KEY = "VALUE"; tags not
//	                            under "mlflow." also appear in the run's tags
//	                            as "KEY:VALUE" ("KEY" when VALUE is empty)
//	tag mlflow.note.content     run notes
//	metric KEY at step S        history point (run, KEY, S)
//	metric timestamp (ms)       the row's _timestamp (seconds)
//	status                      state, see State and Status
//
// The experiment id is the project name, so it is stable, needs no table of
// its own, and reads back without a lookup. MLflow clients start runs in
// experiment "0" when none was set; that id names project "Default", the
// name MLflow gives its default experiment.
package mlflowmap

import (
	"sort"
	"strings"

	"github.com/sextant-ml/sextant/client"
)

// Names of the mapping's fixed parts.
const (
	DefaultExperimentID = "0"
	DefaultProject      = "Default"
	// TagsKey is the config key that holds a run's MLflow tags.
	TagsKey = "_mlflow_tags"
	// SummaryKey is the config key where the Python client keeps summary
	// values that history cannot hold (strings); it is no param.
	SummaryKey = "_summary"
	// RunNameTag and NoteTag are the MLflow tags kept as run fields.
	RunNameTag = "mlflow.runName"
	NoteTag    = "mlflow.note.content"
)

// ProjectName returns the project of an experiment name. Names made of
// letters, digits, '_', '.' and '-' are kept; "exp one" becomes "exp-one".
func ProjectName(experimentName string) string {
	return client.SafeName(experimentName)
}

// Project returns the project of an experiment id.
func Project(experimentID string) string {
	if experimentID == DefaultExperimentID {
		return DefaultProject
	}
	return experimentID
}

// ExperimentID returns the experiment id of a project.
func ExperimentID(project string) string {
	if project == DefaultProject {
		return DefaultExperimentID
	}
	return project
}

// State returns the Sextant state of an MLflow run status; SCHEDULED and
// unknown statuses count as running.
func State(status string) string {
	switch status {
	case "FINISHED":
		return "finished"
	case "FAILED":
		return "failed"
	case "KILLED":
		return "crashed"
	}
	return "running"
}

// Status returns the MLflow status of a Sextant state.
func Status(state string) string {
	switch state {
	case "finished":
		return "FINISHED"
	case "failed":
		return "FAILED"
	case "crashed":
		return "KILLED"
	}
	return "RUNNING"
}

// RunTags returns the run tags that show the user's MLflow tags (those not
// under the reserved "mlflow." prefix), sorted.
func RunTags(tags map[string]string) []string {
	out := make([]string, 0, len(tags))
	for k, v := range tags {
		switch {
		case strings.HasPrefix(k, "mlflow."):
		case v == "":
			out = append(out, k)
		default:
			out = append(out, k+":"+v)
		}
	}
	sort.Strings(out)
	return out
}
