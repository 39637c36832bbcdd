"""Writes TensorBoard event files with tensorboard's own writers, and the
values a reader must find in them, for the importer's tests.

usage: python3 write_events.py DIR

DIR/logs/tensor/       tensorboard.summary.Writer (TF2-style tensor scalars)
DIR/logs/simple/sub/   EventFileWriter with TF1 simple_value events
DIR/expected.json      {run: {tag: [[step, repr(value)], ...]}}
"""

import json
import math
import os
import sys

import numpy as np
from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.summary import Writer
from tensorboard.summary.writer.event_file_writer import EventFileWriter


def f32(x):
    return float(np.float32(x))


def write_tensor_run(logdir, expected):
    writer = Writer(os.path.join(logdir, "tensor"))
    got = expected.setdefault("tensor", {})
    for step in range(0, 300, 3):
        values = {"train/loss": 2.0 / (step + 1), "train/acc": step / 300.0,
                  "lr": 1e-3 * 0.99 ** step}
        if step == 30:
            values["train/loss"] = math.nan
        for tag, value in values.items():
            writer.add_scalar(tag, value, step=step)
            got.setdefault(tag, []).append([step, repr(f32(value))])
    writer.close()


def write_simple_run(logdir, expected):
    writer = EventFileWriter(os.path.join(logdir, "simple", "sub"))
    got = expected.setdefault("simple/sub", {})
    for step in range(50):
        values = {"loss": 1.0 / (step + 1), "inf": math.inf if step % 2 else -math.inf}
        summary = summary_pb2.Summary(value=[
            summary_pb2.Summary.Value(tag=tag, simple_value=value)
            for tag, value in values.items()])
        writer.add_event(event_pb2.Event(wall_time=1.7e9 + step, step=step, summary=summary))
        for tag, value in values.items():
            got.setdefault(tag, []).append([step, repr(f32(value))])
    writer.close()


def main():
    out = sys.argv[1]
    logdir = os.path.join(out, "logs")
    expected = {}
    write_tensor_run(logdir, expected)
    write_simple_run(logdir, expected)
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f)


if __name__ == "__main__":
    main()
