"""Sextant's Python client: log a training run's metrics, read them back.

    import sextant

    run = sextant.init(project="mnist", config={"lr": 0.01})
    for step in range(100):
        run.log({"train/loss": loss, "train": {"acc": acc}})
    run.finish()

The server and API key come from SEXTANT_URL and SEXTANT_API_KEY unless
init is given url= and key=. Logging never waits for the network: rows go
through a local spool file that a background thread sends, so a server
restart in the middle of a run loses nothing.
"""

from ._http import APIError, TransientError
from .api import Api
from .run import Run

__all__ = ["init", "log", "finish", "Run", "Api", "APIError", "TransientError", "run"]

run = None  # the run of the last init, for sextant.log and sextant.finish


def init(project, name=None, group=None, job_type=None, tags=None, notes=None,
         config=None, id=None, url=None, key=None, **options):
    """Starts a run (or resumes the run with this id) and returns it.
    options: finish_timeout (seconds finish waits for the server, 60),
    max_backoff (longest pause between retries, 5 seconds)."""
    global run
    run = Run(project, name=name, group=group, job_type=job_type, tags=tags,
              notes=notes, config=config, id=id, url=url, key=key, **options)
    return run


def log(data, step=None, commit=True):
    """Logs to the run of the last init."""
    _current().log(data, step=step, commit=commit)


def finish(state="finished", timeout=None):
    """Finishes the run of the last init."""
    return _current().finish(state=state, timeout=timeout)


def _current():
    if run is None:
        raise RuntimeError("sextant: call sextant.init first")
    return run
