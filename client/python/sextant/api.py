"""Reading from a Sextant server: projects, runs and their history.

History comes as an Arrow IPC stream (`_step` int64, one float64 column per
metric key, nulls where a key has no point at a step), read with pyarrow when
it is installed; without pyarrow, the JSON form of the same columns is used.
"""

import io

from . import _values
from ._http import Client
from ._sender import project_path, run_path

ARROW_STREAM = "application/vnd.apache.arrow.stream"


class Api:
    """A read client. url and key default to SEXTANT_URL and SEXTANT_API_KEY."""

    def __init__(self, url=None, key=None, timeout=60.0):
        self._client = Client(url, key, timeout=timeout)

    @property
    def url(self):
        return self._client.url

    def projects(self):
        """Returns the projects the key can read, as dicts."""
        body = self._client.json("GET", "/api/v1/projects")
        return body.get("projects", []) if isinstance(body, dict) else body

    def run(self, project, run_id):
        """Returns one run as a dict (metadata, config, summary, state)."""
        return self._client.json("GET", run_path(project, run_id))

    def runs(self, project, filter=None, sort=None, order=None, limit=None):
        """Returns the runs of a project as dicts, every page of them unless
        limit is given. filter is the server's expression language, e.g.
        `config.lr < 0.01 and state = "finished"`."""
        query = {"filter": filter, "sort": sort, "order": order, "limit": limit}
        runs = []
        while True:
            body = self._client.json("GET", project_path(project) + "/runs", query=query)
            runs.extend(body.get("runs") or [])
            cursor = body.get("next")
            if not cursor or (limit is not None and len(runs) >= limit):
                return runs
            query["cursor"] = cursor

    def history(self, project, run_id, keys=None, min_step=None, max_step=None):
        """Returns every point of a run's history: a pyarrow.Table when
        pyarrow is installed, else a dict of columns (`_step` and one list
        per key, None where a key has no point at that step)."""
        query = _history_query(keys, min_step, max_step)
        path = run_path(project, run_id) + "/history"
        try:
            import pyarrow.ipc
        except ImportError:
            return self._history_json(path, query)
        _, _, data = self._client.request("GET", path, accept=ARROW_STREAM, query=query)
        return pyarrow.ipc.open_stream(io.BytesIO(data)).read_all()

    def history_df(self, project, run_id, keys=None, min_step=None, max_step=None):
        """Returns a run's history as a pandas DataFrame indexed by nothing,
        with a `_step` column and one float column per key (NaN where a key
        has no point; NaN logged as NaN too)."""
        import pandas

        table = self.history(project, run_id, keys, min_step, max_step)
        if isinstance(table, dict):
            return pandas.DataFrame(table)
        return table.to_pandas()

    def chart(self, project, keys, runs=None, filter=None, width=None, x=None,
              mode=None, x_min=None, x_max=None, smoothing=None):
        """Returns a chart query's answer, downsampled by the server as the
        web app draws it (M4 by default, the same points raw data would
        draw): a pyarrow.Table in long form, a row per point (`run` and `key`
        as dictionaries, `x`, `y`, `step`, and `smoothed_y` with smoothing);
        without pyarrow, the JSON answer as a dict. runs lists run ids, or
        filter (the runs filter language) picks them; smoothing is a dict
        such as {"type": "ema", "weight": 0.9}. A repeated query is served
        from the server's answer cache."""
        request = {"keys": [keys] if isinstance(keys, str) else list(keys)}
        fields = (("runs", runs), ("filter", filter), ("width", width), ("x", x),
                  ("mode", mode), ("x_min", x_min), ("x_max", x_max),
                  ("smoothing", smoothing))
        request.update({name: value for name, value in fields if value is not None})
        path = project_path(project) + "/charts"
        try:
            import pyarrow.ipc
        except ImportError:
            return self._client.json("POST", path, body=request)
        _, _, data = self._client.request("POST", path, body=request, accept=ARROW_STREAM)
        return pyarrow.ipc.open_stream(io.BytesIO(data)).read_all()

    def chart_df(self, project, keys, **query):
        """Returns chart() as a pandas DataFrame, `run` and `key` as
        categoricals; query takes chart()'s other arguments."""
        import pandas

        table = self.chart(project, keys, **query)
        if isinstance(table, dict):
            rows = [{"run": s["run"], "key": s["key"], "x": x, "y": _decode_number(y)}
                    for s in table.get("series", []) for x, y in zip(s["x"], s["y"])]
            return pandas.DataFrame(rows, columns=["run", "key", "x", "y"])
        return table.to_pandas()

    def runs_df(self, project, filter=None, sort=None, order=None, limit=None):
        """Returns the runs table as a pandas DataFrame: one row per run,
        metadata columns, `config.KEY` per flattened config key and
        `summary.KEY` with the last value of every metric."""
        import pandas

        runs = self.runs(project, filter=filter, sort=sort, order=order, limit=limit)
        return pandas.DataFrame([_run_record(r) for r in runs])

    def close(self):
        self._client.close()

    def _history_json(self, path, query):
        body = self._client.json("GET", path, query=query)
        columns = {"_step": body.get("steps", [])}
        for key, values in (body.get("columns") or {}).items():
            columns[key] = [_decode_number(v) for v in values]
        return columns


def _history_query(keys, min_step, max_step):
    if isinstance(keys, str):
        keys = [keys]
    return {"keys": ",".join(keys) if keys else None,
            "min_step": min_step, "max_step": max_step}


def _run_record(run):
    record = {field: run.get(field) for field in
              ("id", "name", "group", "job_type", "state", "tags", "notes",
               "author", "created", "heartbeat")}
    for key, value in _values.flatten(run.get("config") or {}).items():
        record["config." + key] = value
    for key, summary in (run.get("summary") or {}).items():
        record["summary." + key] = _decode_number(summary.get("last"))
    return record


def _decode_number(value):
    if isinstance(value, str):
        return float(value.replace("Infinity", "inf"))
    return value


