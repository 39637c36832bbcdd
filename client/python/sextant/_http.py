"""A small HTTP client over http.client, with one kept-alive connection.

The logging thread and the read API both use it. Errors come in two kinds:
`TransientError` (the server is away, busy or restarting: try again later)
and `APIError` (the server refused the request: trying again will not help).
"""

import http.client
import json
import os
import socket
import threading
import urllib.parse

DEFAULT_URL = "http://127.0.0.1:8080"


class APIError(Exception):
    """The server answered with an error that a retry will not fix."""

    def __init__(self, status, code, message):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class TransientError(Exception):
    """The request may succeed later: no connection, 429, 5xx."""

    def __init__(self, message, retry_after=None):
        super().__init__(message)
        self.retry_after = retry_after


def resolve(url, key):
    """Returns the server URL and API key from the arguments or environment."""
    url = url or os.environ.get("SEXTANT_URL") or DEFAULT_URL
    key = key or os.environ.get("SEXTANT_API_KEY") or ""
    return url.rstrip("/"), key


class Client:
    """Sends requests to one server. Safe for use from several threads: a
    lock serialises requests over the kept-alive connection."""

    def __init__(self, url=None, key=None, timeout=30.0):
        self.url, self.key = resolve(url, key)
        parsed = urllib.parse.urlsplit(self.url)
        if parsed.scheme not in ("http", "https"):
            raise ValueError(f"url: scheme must be http or https, got {self.url!r}")
        self._scheme = parsed.scheme
        self._netloc = parsed.netloc
        self._prefix = parsed.path.rstrip("/")
        self._timeout = timeout
        self._conn = None
        self._lock = threading.Lock()

    def request(self, method, path, body=None, content_type="application/json",
                accept="application/json", query=None):
        """Sends a request and returns (status, headers, body bytes) of a 2xx
        answer. Raises APIError or TransientError otherwise."""
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        target = self._prefix + path
        if query:
            pairs = {k: v for k, v in query.items() if v is not None}
            if pairs:
                target += "?" + urllib.parse.urlencode(pairs)
        headers = {"Accept": accept}
        if self.key:
            headers["Authorization"] = "Bearer " + self.key
        if body is not None:
            headers["Content-Type"] = content_type
        with self._lock:
            status, resp_headers, data = self._send(method, target, body, headers)
        return _check(status, resp_headers, data)

    def json(self, method, path, body=None, query=None):
        """Sends a JSON request and decodes the JSON answer."""
        _, _, data = self.request(method, path, body=body, query=query)
        return json.loads(data) if data else None

    def close(self):
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _send(self, method, target, body, headers):
        # A kept-alive connection may have been closed by the server since
        # the last request; one fresh attempt tells that apart from a server
        # that is really away.
        for attempt in range(2):
            conn = self._connection()
            try:
                conn.request(method, target, body=body, headers=headers)
                resp = conn.getresponse()
                return resp.status, resp.headers, resp.read()
            except (OSError, http.client.HTTPException) as err:
                conn.close()
                self._conn = None
                if attempt == 1 or isinstance(err, socket.timeout):
                    raise TransientError(f"{method} {target}: {err}") from err
        raise AssertionError("unreachable")

    def _connection(self):
        if self._conn is None:
            cls = (http.client.HTTPSConnection if self._scheme == "https"
                   else http.client.HTTPConnection)
            self._conn = cls(self._netloc, timeout=self._timeout)
        return self._conn


def _check(status, headers, data):
    if 200 <= status < 300:
        return status, headers, data
    code, message = _error_fields(data)
    if status == 429 or status >= 500 or status == 408:
        retry_after = _float_or_none(headers.get("Retry-After"))
        raise TransientError(f"{status} {code}: {message}", retry_after)
    raise APIError(status, code, message)


def _error_fields(data):
    try:
        err = json.loads(data)["error"]
        return err.get("code", ""), err.get("message", "")
    except (ValueError, KeyError, TypeError):
        return "", data[:200].decode("utf-8", "replace")


def _float_or_none(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None
