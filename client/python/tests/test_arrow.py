"""History exports read by pyarrow, pandas and polars at the pinned
versions: every value must be the one logged, NaN and infinities included,
and nulls exactly where a key has no point."""

import io
import json
import math
import random
import sys
import urllib.request

import pytest

import sextant
from helpers import quote, same

pa = pytest.importorskip("pyarrow")
ipc = pytest.importorskip("pyarrow.ipc")

ARROW = "application/vnd.apache.arrow.stream"


@pytest.fixture
def logged(server, project):
    """Logs a run with gaps, non-finite values and float noise; returns the
    project, run id and {key: {step: value}} as logged."""
    rng = random.Random(7)
    want = {"train/loss": {}, "val/acc": {}, "spiky": {}}
    run = sextant.init(project=project)
    for step in range(0, 3000, 2):
        row = {"train/loss": rng.random() * 10 ** rng.randint(-8, 8)}
        if step % 50 == 0:
            row["val/acc"] = round(rng.random(), 4)
        if step % 7 == 0:
            row["spiky"] = rng.choice([math.nan, math.inf, -math.inf, -0.0, 1e308, 5e-324])
        run.log(row, step=step)
        for key, value in row.items():
            want[key][step] = float(value)
    assert run.finish() is True
    return project, run.id, want


def steps_of(want):
    return sorted({s for points in want.values() for s in points})


def check_columns(steps, columns, want):
    """steps: list of ints; columns: {key: list of float or None}. The
    server's own series (_timestamp, _runtime) are checked for presence
    only."""
    assert steps == steps_of(want)
    assert "_timestamp" in columns
    columns = {k: v for k, v in columns.items() if not k.startswith("_")}
    assert sorted(columns) == sorted(want)
    for key, values in columns.items():
        assert len(values) == len(steps)
        for step, value in zip(steps, values):
            expected = want[key].get(step)
            assert same(value, expected), f"{key} at step {step}: got {value!r}, want {expected!r}"


def test_arrow_ipc_stream(server, logged):
    project, run_id, want = logged
    body = server.get(f"/api/v1/projects/{quote(project)}/runs/{quote(run_id)}/history",
                      accept=ARROW)
    table = ipc.open_stream(io.BytesIO(body)).read_all()

    assert table.schema.field("_step").type == pa.int64()
    for key in want:
        assert table.schema.field(key).type == pa.float64()
    columns = {k: table.column(k).to_pylist() for k in table.column_names if k != "_step"}
    check_columns(table.column("_step").to_pylist(), columns, want)


def test_arrow_through_api(logged):
    project, run_id, want = logged
    table = sextant.Api().history(project, run_id)
    columns = {k: table.column(k).to_pylist() for k in table.column_names if k != "_step"}
    check_columns(table.column("_step").to_pylist(), columns, want)

    subset = sextant.Api().history(project, run_id, keys=["val/acc"], min_step=100,
                                   max_step=1000)
    got = dict(zip(subset.column("_step").to_pylist(), subset.column("val/acc").to_pylist()))
    assert got == {s: v for s, v in want["val/acc"].items() if 100 <= s <= 1000}


def test_pandas(logged):
    pd = pytest.importorskip("pandas")
    project, run_id, want = logged
    df = sextant.Api().history_df(project, run_id)
    assert isinstance(df, pd.DataFrame)
    # pandas has one missing marker for floats: an absent point and a
    # logged NaN both read as NaN; the Arrow tests tell them apart.
    steps = df["_step"].tolist()
    assert steps == steps_of(want)
    assert sorted(k for k in df.columns if not k.startswith("_")) == sorted(want)
    for key in want:
        for step, value in zip(steps, df[key].tolist()):
            expected = want[key].get(step, math.nan)
            assert same(value, expected), f"{key} at step {step}: got {value!r}"


def test_polars(server, logged):
    pl = pytest.importorskip("polars")
    project, run_id, want = logged
    body = server.get(f"/api/v1/projects/{quote(project)}/runs/{quote(run_id)}/history",
                      accept=ARROW)
    df = pl.read_ipc_stream(io.BytesIO(body))
    assert df.schema["_step"] == pl.Int64
    columns = {k: df[k].to_list() for k in df.columns if k != "_step"}
    check_columns(df["_step"].to_list(), columns, want)


def test_runs_table(logged):
    pytest.importorskip("pandas")
    project, run_id, _ = logged
    api = sextant.Api()
    runs = api.runs(project)
    assert [r["id"] for r in runs] == [run_id]
    df = api.runs_df(project)
    assert df.loc[0, "id"] == run_id
    assert df.loc[0, "summary.val/acc"] == runs[0]["summary"]["val/acc"]["last"]
    assert any(p.get("name") == project for p in api.projects())


def post_chart(server, project, request, accept):
    """POSTs a chart query with the admin key; returns the body bytes."""
    req = urllib.request.Request(
        f"{server.url}/api/v1/projects/{quote(project)}/charts",
        data=json.dumps(request).encode(), method="POST",
        headers={"Authorization": "Bearer " + server.key, "Accept": accept,
                 "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.read()


def test_chart_as_arrow(server, logged):
    """A chart answer read by pyarrow and pandas holds, series by series,
    the points of the same answer as JSON, run and key as categories."""
    pd = pytest.importorskip("pandas")
    project, run_id, _ = logged
    request = {"runs": [run_id], "keys": ["train/loss", "val/acc", "spiky"], "width": 200}
    answer = json.loads(post_chart(server, project, request, "application/json"))
    table = ipc.open_stream(io.BytesIO(post_chart(server, project, request, ARROW))).read_all()

    assert table.schema.field("run").type == pa.dictionary(pa.int32(), pa.string())
    assert table.schema.field("key").type == pa.dictionary(pa.int32(), pa.string())
    assert table.schema.field("y").type == pa.float64()
    df = table.to_pandas()
    assert isinstance(df["run"].dtype, pd.CategoricalDtype)
    assert len(answer["series"]) == 3
    for series in answer["series"]:
        rows = df[(df["run"] == series["run"]) & (df["key"] == series["key"])]
        assert rows["x"].tolist() == series["x"], series["key"]
        assert rows["y"].tolist() == series["y"], series["key"]
        assert rows["step"].tolist() == [int(x) for x in series["x"]]
    assert len(df) == sum(len(s["x"]) for s in answer["series"])


def test_chart_through_api(logged):
    """Api.chart returns the server's chart answer as a pyarrow Table, the
    same points as the JSON answer, filter and smoothing included, and
    chart_df as pandas; a repeated query gives the same table."""
    pd = pytest.importorskip("pandas")
    project, run_id, want = logged
    api = sextant.Api()
    table = api.chart(project, ["train/loss", "val/acc"], runs=[run_id], width=100)
    assert table.column_names == ["run", "key", "x", "y", "step"]
    assert set(table.column("key").to_pylist()) == {"train/loss", "val/acc"}
    points = list(zip(table.column("key").to_pylist(), table.column("x").to_pylist(),
                      table.column("y").to_pylist()))
    for key in ("train/loss", "val/acc"):
        xs = [x for k, x, _ in points if k == key]
        ys = [y for k, _, y in points if k == key]
        assert xs == sorted(xs)
        # M4 keeps each column's extremes: the smallest and largest value
        # logged are always drawn.
        assert min(ys) == min(want[key].values())
        assert max(ys) == max(want[key].values())
        assert all(want[key][int(x)] == y for x, y in zip(xs, ys))
    assert api.chart(project, ["train/loss", "val/acc"], runs=[run_id], width=100).equals(table)

    name = api.run(project, run_id)["name"]
    smoothed = api.chart(project, "val/acc", filter=f'name = "{name}"',
                         smoothing={"type": "ema", "weight": 0.5}, x_min=0, x_max=1000)
    assert set(smoothed.column("run").to_pylist()) == {run_id}
    assert "smoothed_y" in smoothed.column_names
    assert max(smoothed.column("x").to_pylist()) <= 1000
    df = api.chart_df(project, "val/acc", runs=[run_id], width=50)
    assert isinstance(df["run"].dtype, pd.CategoricalDtype)
    assert (df["run"] == run_id).all()

    with pytest.raises(sextant.APIError) as err:
        api.chart(project, "val/acc", runs=[run_id], width=0)
    assert err.value.status == 400


def test_chart_without_pyarrow(logged, monkeypatch):
    """Without pyarrow, Api.chart returns the JSON answer and chart_df builds
    the same long-form frame from it."""
    pd = pytest.importorskip("pandas")
    project, run_id, _ = logged
    api = sextant.Api()
    table = api.chart(project, "train/loss", runs=[run_id], width=64)
    monkeypatch.setitem(sys.modules, "pyarrow.ipc", None)
    answer = api.chart(project, "train/loss", runs=[run_id], width=64)
    assert isinstance(answer, dict)
    (series,) = answer["series"]
    assert series["x"] == table.column("x").to_pylist()
    assert series["y"] == table.column("y").to_pylist()
    df = api.chart_df(project, "train/loss", runs=[run_id], width=64)
    assert isinstance(df, pd.DataFrame)
    assert df["y"].tolist() == series["y"]
