"""Fixtures that run the real `sextant` binary.

The binary is SEXTANT_BIN when set, else bin/sextant at the repository root,
built with `go build` when missing. Each server gets a fresh data folder, a
free port on 127.0.0.1 and an admin key; the tests log with that key.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

# The tests use the package in this tree, installed or not.
sys.path.insert(0, str(ROOT / "client" / "python"))


def sextant_binary():
    env_bin = os.environ.get("SEXTANT_BIN")
    if env_bin:
        return env_bin
    binary = ROOT / "bin" / "sextant"
    if not binary.exists():
        subprocess.run(["go", "build", "-o", str(binary), "./cmd/sextant"], cwd=ROOT,
                       check=True)
    return str(binary)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A `sextant serve` process on a data folder it keeps across restarts."""

    def __init__(self, data_dir, log_path):
        self.binary = sextant_binary()
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.key = "test-admin-" + secrets.token_hex(8)
        self._log_path = log_path
        self.proc = None

    def start(self):
        env = dict(os.environ, SEXTANT_ADMIN_KEY=self.key)
        log = open(self._log_path, "ab")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--data", str(self.data_dir),
             "--addr", f"127.0.0.1:{self.port}"],
            env=env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self._wait_ready()

    def kill(self):
        """Ends the server with SIGKILL: no shutdown, no flush."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def get(self, path, accept="application/json"):
        """GETs an API path with the admin key; returns the body bytes."""
        req = urllib.request.Request(self.url + path, headers={
            "Authorization": "Bearer " + self.key, "Accept": accept})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.read()

    def get_json(self, path):
        return json.loads(self.get(path))

    def _wait_ready(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sextant serve exited with {self.proc.returncode}; "
                                   f"see {self._log_path}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        raise RuntimeError(f"sextant serve did not answer /healthz; see {self._log_path}")


def new_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("server")
    server = Server(root / "data", root / "server.log")
    server.start()
    return server


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """A server shared by the tests that do not stop it."""
    s = new_server(tmp_path_factory)
    yield s
    s.stop()


@pytest.fixture
def own_server(tmp_path_factory):
    """A server of the test's own, which it may kill and restart."""
    s = new_server(tmp_path_factory)
    yield s
    s.stop()


@pytest.fixture(autouse=True)
def client_env(server, tmp_path, monkeypatch):
    """Points the client at the shared server, and its spool at a fresh
    folder."""
    monkeypatch.setenv("SEXTANT_URL", server.url)
    monkeypatch.setenv("SEXTANT_API_KEY", server.key)
    monkeypatch.setenv("SEXTANT_DIR", str(tmp_path / "sextant-home"))


@pytest.fixture
def project():
    """A project name no other test uses."""
    return "p-" + secrets.token_hex(4)
