package mlflowmap

import (
	"reflect"
	"testing"
)

func TestStatusRoundTrip(t *testing.T) {
	for _, status := range []string{"RUNNING", "FINISHED", "FAILED", "KILLED"} {
		if got := Status(State(status)); got != status {
			t.Errorf("Status(State(%q)) = %q, want %q", status, got, status)
		}
	}
	if got := State("SCHEDULED"); got != "running" {
		t.Errorf("State(SCHEDULED) = %q, want running", got)
	}
}

func TestExperimentIDRoundTrip(t *testing.T) {
	for _, project := range []string{"Default", "mnist", "0x"} {
		if got := Project(ExperimentID(project)); got != project {
			t.Errorf("Project(ExperimentID(%q)) = %q", project, got)
		}
	}
}

func TestRunTags(t *testing.T) {
	got := RunTags(map[string]string{"mlflow.user": "ana", "team": "cv", "best": ""})
	if want := []string{"best", "team:cv"}; !reflect.DeepEqual(got, want) {
		t.Errorf("RunTags = %v, want %v", got, want)
	}
}
