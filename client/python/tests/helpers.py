"""Reading back what a test logged, through the server's JSON API."""

import math
import urllib.parse


def quote(name):
    return urllib.parse.quote(name, safe="")


def history_points(server, project, run_id, keys=None):
    """Returns {key: {step: value}} from GET .../history (JSON), with the
    non-finite strings turned back into floats."""
    path = f"/api/v1/projects/{quote(project)}/runs/{quote(run_id)}/history"
    if keys:
        path += "?keys=" + quote(",".join(keys))
    body = server.get_json(path)
    points = {}
    for key, values in body["columns"].items():
        if key.startswith("_") and not keys:
            continue  # the server's own _timestamp and _runtime
        column = points.setdefault(key, {})
        for step, value in zip(body["steps"], values):
            if value is not None:
                column[step] = decode(value)
    return points


def run_info(server, project, run_id):
    return server.get_json(f"/api/v1/projects/{quote(project)}/runs/{quote(run_id)}")


def decode(value):
    if isinstance(value, str):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[value]
    return float(value)


def same(a, b):
    """Equal as floats, NaN equal to NaN."""
    if a is None or b is None:
        return a is b
    return a == b or (math.isnan(a) and math.isnan(b))


def assert_points(got, want):
    """Asserts {key: {step: value}} maps hold the same points."""
    assert sorted(got) == sorted(want), f"keys: got {sorted(got)}, want {sorted(want)}"
    for key, steps in want.items():
        assert sorted(got[key]) == sorted(steps), f"{key}: steps differ"
        for step, value in steps.items():
            assert same(got[key][step], value), \
                f"{key} at step {step}: got {got[key][step]!r}, want {value!r}"
