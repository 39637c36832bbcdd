package client

import "testing"

func TestMergePatches(t *testing.T) {
	got, err := mergePatches([][]byte{
		[]byte(`{"config":{"a":1,"b":{"x":1}}}`),
		[]byte(`{"state":"running","config":{"b":{"y":2}}}`),
		[]byte(`{"state":"finished"}`),
	})
	want := `{"config":{"a":1,"b":{"y":2}},"state":"finished"}`
	if err != nil || string(got) != want {
		t.Errorf("mergePatches = %s, %v; want %s", got, err, want)
	}
}
