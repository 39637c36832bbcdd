"""`sextant import tensorboard|mlflow` against the real server, on files
written by the real tensorboard and mlflow packages."""

import json
import math
import os
import subprocess
import sys

import pytest

from conftest import ROOT, sextant_binary
from helpers import assert_points, history_points, quote, run_info

WRITE_EVENTS = ROOT / "client" / "importer" / "testdata" / "write_events.py"


def sextant_import(server, *args):
    """Runs `sextant import ARGS` with the server's URL and key in flags."""
    cmd = [sextant_binary(), "import", *args, "--url", server.url, "--key", server.key]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def runs_by_name(server, project):
    body = server.get_json(f"/api/v1/projects/{quote(project)}/runs")
    return {r["name"]: r for r in body["runs"]}


@pytest.fixture
def event_files(tmp_path):
    pytest.importorskip("tensorboard")
    pytest.importorskip("numpy")
    subprocess.run([sys.executable, str(WRITE_EVENTS), str(tmp_path)], check=True)
    with open(tmp_path / "expected.json") as f:
        expected = json.load(f)
    want = {run: {tag: {step: float(v) for step, v in points}
                  for tag, points in tags.items()}
            for run, tags in expected.items()}
    return tmp_path / "logs", want


def test_tensorboard_import_and_rerun(server, project, event_files):
    logs, want = event_files
    first = sextant_import(server, "tensorboard", str(logs), "--project", project)
    assert first.returncode == 0, first.stderr
    assert "imported 2 runs" in first.stderr
    assert "100%" in first.stderr                     # the progress bar's last state

    runs = runs_by_name(server, project)
    assert sorted(runs) == sorted(want)
    for name, points in want.items():
        assert_points(history_points(server, project, runs[name]["id"]), points)

    again = sextant_import(server, "tensorboard", str(logs), "--project", project)
    assert again.returncode == 0, again.stderr
    rerun = runs_by_name(server, project)
    assert {n: r["id"] for n, r in rerun.items()} == {n: r["id"] for n, r in runs.items()}
    for name, points in want.items():
        assert_points(history_points(server, project, rerun[name]["id"]), points)


def test_tensorboard_corrupt_record_is_reported(server, project, event_files):
    logs, want = event_files
    path = next((logs / "tensor").iterdir())
    data = bytearray(path.read_bytes())
    data[record_data_offset(data, 10) + 3] ^= 0xFF     # inside the 10th event
    path.write_bytes(bytes(data))

    result = sextant_import(server, "tensorboard", str(logs), "--project", project)
    assert result.returncode == 1
    assert "checksum" in result.stderr and path.name in result.stderr
    runs = runs_by_name(server, project)
    # The intact run is whole; the damaged one lost at most the bad record.
    assert_points(history_points(server, project, runs["simple/sub"]["id"]),
                  want["simple/sub"])
    got = history_points(server, project, runs["tensor"]["id"])
    lost = sum(len(p) for p in want["tensor"].values()) - sum(len(p) for p in got.values())
    assert lost == 1                                   # one scalar per event


def record_data_offset(data, index):
    """Returns where the data of record `index` starts in a TFRecord file:
    each record is an 8-byte length, 4 bytes of CRC, the data, 4 bytes of
    CRC."""
    offset = 0
    for _ in range(index):
        offset += 12 + int.from_bytes(data[offset:offset + 8], "little") + 4
    return offset + 12


@pytest.fixture
def mlruns(tmp_path):
    """An mlruns folder written by mlflow's own file store."""
    pytest.importorskip("mlflow")
    script = f"""
import math, mlflow
mlflow.set_tracking_uri("file://{tmp_path}/mlruns")
mlflow.set_experiment("exp one")
with mlflow.start_run(run_name="first") as run:
    mlflow.log_params({{"lr": 0.01, "layers": 3}})
    mlflow.set_tag("team", "vision")
    for step in range(20):
        mlflow.log_metric("train/loss", 1 / (step + 1), step=step)
    mlflow.log_metric("val/acc", math.nan, step=0)
print(run.info.run_id)
"""
    env = dict(os.environ, MLFLOW_ALLOW_FILE_STORE="true")
    out = subprocess.run([sys.executable, "-c", script], check=True, env=env,
                         capture_output=True, text=True).stdout
    return tmp_path, out.strip().splitlines()[-1]


def test_mlflow_import_and_rerun(server, mlruns):
    folder, run_id = mlruns
    for attempt in range(2):
        result = sextant_import(server, "mlflow", str(folder))
        assert result.returncode == 0, result.stderr
        assert "imported 1 runs" in result.stderr

        info = run_info(server, "exp-one", run_id)    # the experiment's project name
        assert info["name"] == "first"
        assert info["state"] == "finished"
        assert info["config"]["lr"] == "0.01" and info["config"]["layers"] == "3"
        assert "team:vision" in info["tags"]
        assert_points(history_points(server, "exp-one", run_id), {
            "train/loss": {s: 1 / (s + 1) for s in range(20)},
            "val/acc": {0: math.nan},
        })
