"""The background sender: a run's rows and updates on their way to the server.

`log` never waits for the network. It hands the row to a queue; a thread
appends what the queue holds to the run's spool file, then sends the spool
from where it last stopped, in batches, and truncates the file once all of it
is acknowledged. The spool is thus the only queue that matters: while the
server is away, rows pile up on disk rather than in memory, and whatever a
crashed process left in it is sent by the next process that starts the same
run id. A batch may be sent twice (after a timeout, or a crash between send
and truncate); the server keys points by (run, key, step), so a repeat
replaces a point with itself.

# Format

The spool is UTF-8 text, one operation per line: `r ` and a history row as
JSON, or `p ` and the JSON body of a PATCH on the run.
"""

import json
import logging
import os
import queue
import threading
import time
import urllib.parse

from ._http import APIError, TransientError

log = logging.getLogger("sextant")

ROW, PATCH = b"r ", b"p "

# Rows hold no NaN (the client writes it as a string), so the encoder may
# refuse them; compact separators keep the spool small.
_encoder = json.JSONEncoder(allow_nan=False, separators=(",", ":"))


class Sender:
    """Delivers one run's operations. `setup` is called (in the thread)
    before the first send and again after it raised TransientError."""

    def __init__(self, client, project, run_id, spool_path, setup,
                 batch_rows=1000, interval=0.5, max_backoff=5.0):
        self._client = client
        self._history_path = run_path(project, run_id) + "/history"
        self._run_path = run_path(project, run_id)
        self._spool_path = spool_path
        self._setup = setup
        self._batch_rows = batch_rows
        self._interval = interval
        self._max_backoff = max_backoff

        self._queue = queue.SimpleQueue()
        self._wake = threading.Event()
        self._idle = threading.Condition()
        self._enqueued = 0  # operations put in the queue
        self._spooled = 0  # of those, operations written to the spool
        self._delivered = 0  # of those, operations acknowledged
        self._stopping = False
        self._ready = False
        self._failed = None  # the error that stopped delivery for good
        self._backoff = 0.0
        self._retry_at = 0.0
        self._offset = 0  # bytes of the spool already acknowledged

        os.makedirs(os.path.dirname(spool_path), exist_ok=True)
        self._spool = open(spool_path, "ab+")
        self._thread = threading.Thread(target=self._loop, name="sextant-sender",
                                        daemon=True)

    def start(self, ready=False):
        self._ready = ready
        self._thread.start()

    def row(self, row):
        """Queues one history row (a dict of JSON-ready values)."""
        self._put(ROW + _encoder.encode(row).encode())

    def patch(self, body):
        """Queues a PATCH of the run."""
        self._put(PATCH + json.dumps(body).encode())

    def flush(self, timeout):
        """Waits until every queued operation is acknowledged, at most
        timeout seconds; returns whether it was."""
        self._wake.set()
        deadline = time.monotonic() + timeout
        with self._idle:
            target = self._enqueued
            while self._delivered < target and self._failed is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(min(left, 0.1))
        return self._failed is None

    def close(self, timeout):
        """Flushes, then stops the thread. Returns whether everything was
        acknowledged; what was not stays in the spool file."""
        done = self.flush(timeout)
        self._stopping = True
        self._wake.set()
        self._thread.join(timeout=1.0)
        if self._thread.is_alive():
            # The thread is stuck in a request; what it has not taken from
            # the queue yet goes to the spool from here.
            with open(self._spool_path, "ab") as spool:
                _drain(self._queue, spool)
        return done

    def _put(self, line):
        with self._idle:
            self._enqueued += 1
        self._queue.put(line)

    def _loop(self):
        while not self._stopping:
            self._wait()
            try:
                self._spooled += self._drain_queue()
                self._deliver()
            except (APIError, OSError, ValueError) as err:
                # A refusal, a full disk, a spool that does not decode:
                # delivery stops, and what is on disk stays there.
                self._give_up(err)
            with self._idle:
                if self._spool_empty():
                    self._delivered = self._spooled
                self._idle.notify_all()
        self._spool.close()
        if os.path.getsize(self._spool_path) == 0:
            os.remove(self._spool_path)

    def _wait(self):
        delay = self._interval
        if self._retry_at:
            delay = max(0.0, self._retry_at - time.monotonic())
        if self._wake.wait(delay):
            self._wake.clear()
            self._retry_at = 0.0

    def _drain_queue(self):
        self._spool.seek(0, os.SEEK_END)
        return _drain(self._queue, self._spool)

    def _deliver(self):
        if self._failed is not None or self._retry_at > time.monotonic():
            return
        try:
            if not self._ready:
                self._setup()
                self._ready = True
            while not self._spool_empty():
                self._send_next_chunk()
        except TransientError as err:
            self._schedule_retry(err)
            return
        self._backoff = 0.0
        self._spool.truncate(0)
        self._offset = 0

    def _send_next_chunk(self):
        self._spool.seek(self._offset)
        ops = []
        size = 0
        for line in self._spool:
            if not line.endswith(b"\n"):
                break  # a line cut short by a crash while it was written
            ops.append(line[:-1])
            size += len(line)
            if len(ops) == self._batch_rows:
                break
        if not ops:
            self._offset = self._spool_size()
            return
        self._send_ops(ops)
        self._offset += size

    def _send_ops(self, ops):
        # The rows go in one request; the run updates among them are merged
        # into one PATCH sent after the rows, so that a state set last lands
        # after the rows logged before it, and a summary changing every step
        # costs one request per batch, not one per row.
        rows = [op[2:] for op in ops if op.startswith(ROW)]
        patches = [json.loads(op[2:]) for op in ops if op.startswith(PATCH)]
        self._send_rows(rows)
        if patches:
            self._send_patch(json.dumps(merge_patches(patches)).encode())

    def _send_rows(self, rows):
        if not rows:
            return
        try:
            self._client.request("POST", self._history_path, body=b"\n".join(rows),
                                 content_type="application/x-ndjson")
        except APIError as err:
            if err.status not in (400, 413):
                raise
            self._bisect(rows, err)

    def _bisect(self, rows, err):
        # One bad row must not cost the others: split until the refused rows
        # stand alone, and drop only those.
        if len(rows) == 1:
            log.warning("sextant: dropped a history row the server refused: %s", err)
            return
        half = len(rows) // 2
        self._send_rows(rows[:half])
        self._send_rows(rows[half:])

    def _send_patch(self, body):
        try:
            self._client.request("PATCH", self._run_path, body=body)
        except APIError as err:
            if err.status != 400:
                raise
            log.warning("sextant: dropped a run update the server refused: %s", err)

    def _schedule_retry(self, err):
        self._backoff = min(self._max_backoff, max(0.25, self._backoff * 2))
        wait = err.retry_after if err.retry_after is not None else self._backoff
        self._retry_at = time.monotonic() + wait
        log.debug("sextant: server unavailable, retrying in %.2fs: %s", wait, err)

    def _give_up(self, err):
        self._failed = err
        log.error("sextant: the server refused this run's data, it stays in %s: %s",
                  self._spool_path, err)

    def _spool_size(self):
        return self._spool.seek(0, os.SEEK_END)

    def _spool_empty(self):
        return self._offset >= self._spool_size()


def merge_patches(patches):
    """Returns one PATCH body doing what the bodies do in order: config
    merges key by key, other fields take their last value."""
    merged = {}
    for patch in patches:
        for field, value in patch.items():
            if field == "config":
                merged.setdefault("config", {}).update(value)
            else:
                merged[field] = value
    return merged


def _drain(q, spool):
    """Moves every line of the queue to the end of the spool file; returns
    how many."""
    lines = []
    while True:
        try:
            lines.append(q.get_nowait())
        except queue.Empty:
            break
    if lines:
        spool.write(b"\n".join(lines) + b"\n")
        spool.flush()
    return len(lines)


def project_path(project):
    """Returns the API path of a project."""
    return f"/api/v1/projects/{urllib.parse.quote(project, safe='')}"


def run_path(project, run_id):
    """Returns the API path of a run."""
    return f"{project_path(project)}/runs/{urllib.parse.quote(run_id, safe='')}"


def spool_path(project, run_id):
    """Returns where a run's spool lives: under $SEXTANT_DIR, else
    ~/.sextant, in spool/PROJECT/RUN.ndjson."""
    root = os.environ.get("SEXTANT_DIR") or os.path.join(os.path.expanduser("~"), ".sextant")
    return os.path.join(root, "spool", urllib.parse.quote(project, safe=""),
                        urllib.parse.quote(run_id, safe="") + ".ndjson")
