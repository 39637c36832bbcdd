// Package importer brings runs logged elsewhere into Sextant, over HTTP
// through package client: TensorBoard event files and MLflow mlruns/
// folders.
//
// Terms: a source run is a folder of the source (a TensorBoard log folder
// holding event files, an MLflow run folder); it becomes one Sextant run
// whose id is derived from the folder alone, so importing the same data
// again finds the same runs. Points are keyed on the server by (run, key,
// step), so a second import replaces every point with itself: no duplicates.
//
// # Format
//
// TensorBoard event files are TFRecord streams (see RecordReader) of Event
// protobuf messages, decoded by hand with protowire (see ParseEvent): a
// scalar is a summary value's simple_value (TF1) or a numeric tensor of one
// element (TF2, tensorboard.summary.Writer, PyTorch).
//
// MLflow's file store keeps, under mlruns/EXPERIMENT_ID/RUN_ID/, a meta.yaml
// (run_id, run_name, status, start_time), and one file per key in metrics/
// (lines "TIMESTAMP_MS VALUE STEP"), params/ (the value) and tags/ (the
// value); keys with "/" are nested folders. The mapping onto Sextant is
// package mlflowmap's.
package importer
