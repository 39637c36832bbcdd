"""A run as a training script sees it: `log`, `summary`, `config`, `finish`.

Steps: every committed `log` call is one history row. Without `step`, the row
takes the run's next step (0 for a new run, the server's last step + 1 for a
resumed one); with `step`, it goes to that step and the next step becomes
step + 1 when that is larger. `commit=False` keeps adding to the same row
until a committed call, or a call at another step, closes it.

Strings, lists and other values that are not numbers never reach the history:
they go to the run's summary, which the server keeps in the run's config
under the key `_summary` (history holds numbers only).
"""

import atexit
import collections.abc
import secrets
import sys
import threading
import time
import weakref

from . import _values
from ._http import APIError, Client, TransientError
from ._sender import Sender, project_path, run_path, spool_path

SUMMARY_KEY = "_summary"


class Run:
    """One run of a project, logging to a Sextant server."""

    def __init__(self, project, name=None, group=None, job_type=None, tags=None,
                 notes=None, config=None, id=None, url=None, key=None,
                 finish_timeout=60.0, max_backoff=5.0):
        if not project:
            raise ValueError("project: must not be empty")
        self.project = project
        self.id = id or _new_id()
        self.name = name or self.id
        self._client = Client(url, key)
        self._finish_timeout = finish_timeout
        self._finished = False
        self._step = 0
        self._row = {}
        self._row_step = None
        self._lock = threading.RLock()  # log may be called from several threads
        self._created = {"id": self.id, "name": self.name}
        for field, value in (("group", group), ("job_type", job_type),
                             ("tags", list(tags) if tags else None), ("notes", notes),
                             ("config", _values.as_json(dict(config or {})))):
            if value is not None:
                self._created[field] = value
        self.config = Config(self, config or {})
        self.summary = Summary(self)
        self._sender = Sender(self._client, project, self.id,
                              spool_path(project, self.id), self._setup,
                              max_backoff=max_backoff)
        self._sender.start(ready=self._try_setup())
        atexit.register(_finish_at_exit, weakref.ref(self))

    @property
    def url(self):
        """The server this run logs to."""
        return self._client.url

    @property
    def step(self):
        """The step the next committed log call without `step` will take."""
        return self._step

    def log(self, data, step=None, commit=True):
        """Logs a dict of metrics (nested dicts flatten to `a/b` keys) as a
        history row. Never waits for the network."""
        if not isinstance(data, collections.abc.Mapping):
            raise TypeError(f"log: data must be a dict, got {type(data).__name__}")
        if step is not None:
            step = int(step)
            if step < 0:
                raise ValueError(f"log: step must be >= 0, got {step}")
        flat = _values.flatten(data)
        with self._lock:
            self._check_open()
            target = self._step if step is None else step
            if self._row_step is not None and self._row_step != target:
                self._commit()
            self._row_step = target
            self._row.update(flat)
            if commit:
                self._commit()

    def finish(self, state="finished", timeout=None):
        """Sends what is left and marks the run `state`. Waits for the server
        at most `timeout` seconds (60 by default); returns whether everything
        was acknowledged. What was not stays in the spool file and is sent
        when a run with this id starts again."""
        with self._lock:
            if self._finished:
                return True
            self._commit()
            self._sender.patch({"state": state})
            self._finished = True
        timeout = self._finish_timeout if timeout is None else timeout
        done = self._sender.close(timeout)
        self._client.close()
        return done

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.finish("failed" if exc_type is not None else "finished")
        return False

    def _commit(self):
        if self._row_step is None:
            return
        metrics, others = _values.split(self._row)
        step = self._row_step
        self._row, self._row_step = {}, None
        self._step = max(self._step, step + 1)
        if metrics:
            row = {"_step": step, "_timestamp": time.time()}
            row.update({k: _values.encode_number(v) for k, v in metrics.items()})
            self._sender.row(row)
        self.summary._logged(metrics, others)

    def _check_open(self):
        if self._finished:
            raise RuntimeError(f"run {self.id}: finished, cannot log")

    def _patch(self, body):
        self._check_open()
        self._sender.patch(body)

    def _try_setup(self):
        # One attempt in the caller's thread, so a resumed run learns its
        # last step before the first log; when the server is away, the
        # sender keeps trying in the background.
        # TODO: a run resumed while the server is away counts its steps
        # from 0 (explicit steps are unaffected); learning the last step
        # later would mean renumbering rows already spooled.
        try:
            self._setup()
            return True
        except TransientError:
            return False

    def _setup(self):
        _create(self._client, "/api/v1/projects", {"name": self.project})
        if _create(self._client, project_path(self.project) + "/runs", self._created):
            return
        existing = self._client.json("GET", run_path(self.project, self.id))
        self._step = max(self._step, int(existing.get("last_step", -1)) + 1)
        self.summary._resume(existing)

    def __repr__(self):
        return f"<sextant.Run {self.project}/{self.id}>"


def _finish_at_exit(ref):
    """Finishes a run the script left open: "crashed" when the script ended
    on an uncaught exception, else "finished"."""
    run = ref()
    if run is not None and not run._finished:
        run.finish("crashed" if _exit.failed else "finished")


class _ExitState:
    """Remembers whether the interpreter is ending on an uncaught exception,
    by wrapping sys.excepthook once."""

    def __init__(self):
        self.failed = False
        self._previous = sys.excepthook
        sys.excepthook = self._hook

    def _hook(self, exc_type, exc, tb):
        self.failed = True
        self._previous(exc_type, exc, tb)


_exit = _ExitState()


def _create(client, path, body):
    """POSTs body; returns True when created, False when it existed."""
    try:
        client.json("POST", path, body)
        return True
    except APIError as err:
        if err.status == 409:
            return False
        raise


class Config(collections.abc.MutableMapping):
    """The run's config. Setting keys sends a merge to the server."""

    def __init__(self, run, initial):
        self._run = run
        self._data = dict(initial)

    def update(self, other=(), **kwargs):
        changes = dict(other, **kwargs)
        self._data.update(changes)
        self._run._patch({"config": _values.as_json(changes)})

    def __setitem__(self, key, value):
        self.update({key: value})

    def __getattr__(self, name):
        try:
            return self.__dict__["_data"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, key):
        return self._data[key]

    def __delitem__(self, key):
        raise TypeError("config: keys cannot be deleted, set them to None")

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def __repr__(self):
        return f"Config({self._data!r})"


class Summary(collections.abc.MutableMapping):
    """The run's summary: the last value logged for every key, plus what
    the script sets. Numbers the server derives from history itself; values
    set here or logged as strings are sent to the run's config under
    `_summary`."""

    def __init__(self, run):
        self._run = run
        self._data = {}
        self._extra = {}  # what the server cannot derive from history

    def update(self, other=(), **kwargs):
        changes = _values.flatten(dict(other, **kwargs))
        self._data.update(changes)
        self._extra.update({k: _values.as_json(v) for k, v in changes.items()})
        self._run._patch({"config": {SUMMARY_KEY: dict(self._extra)}})

    def __setitem__(self, key, value):
        self.update({key: value})

    def __getitem__(self, key):
        return self._data[key]

    def __delitem__(self, key):
        raise TypeError("summary: keys cannot be deleted")

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def __repr__(self):
        return f"Summary({self._data!r})"

    def _logged(self, metrics, others):
        self._data.update(metrics)
        changed = {k: v for k, v in others.items() if self._extra.get(k) != v}
        if changed:
            self.update(changed)

    def _resume(self, run):
        for key, value in (run.get("summary") or {}).items():
            self._data.setdefault(key, value.get("last"))
        extra = (run.get("config") or {}).get(SUMMARY_KEY) or {}
        self._extra = {**extra, **self._extra}
        self._data = {**extra, **self._data}


def _new_id():
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))
