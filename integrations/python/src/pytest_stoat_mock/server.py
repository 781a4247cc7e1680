"""server.py: run one stoat-mock process and talk to its control API.

Usable without pytest (``with StoatMock(find_binary()) as mock: ...``); the pytest
plugin (plugin.py) is a thin layer over it. Standard library only.

How a server is started: ``BIN --port 0 --quiet [args...]`` with its stdout and stderr
in files (never pipes, so a chatty server cannot block on a full pipe), then the first
stdout line ``stoat-mock X listening on http://HOST:PORT (...)`` gives the address.
A process that exits first, or prints no such line in time, is reported with its own
stderr. Control calls go straight to the server, never through an HTTP proxy set in
the environment.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

__all__ = ["StoatMock", "StoatMockError", "StoatMockStartError", "Response", "find_binary"]

_LISTENING = re.compile(r"listening on http://(.+):(\d+) \(")
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class StoatMockStartError(RuntimeError):
    """The binary cannot be found, or the server did not start (message has its stderr)."""


class StoatMockError(RuntimeError):
    """A control API call answered an error: ``status`` and the parsed ``body``."""

    def __init__(self, method, path, status, body):
        self.status = status
        self.body = body
        kind = body.get("type") if isinstance(body, dict) else None
        detail = body.get("error") if isinstance(body, dict) else None
        text = f"{method} {path} answered {status}"
        if kind:
            text += f" {kind}"
        if detail:
            text += f": {detail}"
        elif not kind and body:
            text += f": {body!r}"
        super().__init__(text)


def find_binary(option=None, environ=None):
    """The stoat-mock executable to run: ``option`` (the --stoat-mock-bin value), else
    ``$STOAT_MOCK_BIN``, else ``stoat-mock`` on PATH. The first one that is set decides;
    when it is not an executable file, or none is set and PATH has no stoat-mock,
    StoatMockStartError says what each of the three was."""
    env = os.environ if environ is None else environ
    sources = [("--stoat-mock-bin", option), ("STOAT_MOCK_BIN", env.get("STOAT_MOCK_BIN") or None)]
    on_path = shutil.which("stoat-mock", path=env.get("PATH"))
    for name, value in sources:
        if value is None:
            continue
        found = _executable(value, env)
        if found:
            return found
        problem = f"{name}={value!r} is not an executable file"
        break
    else:
        if on_path:
            return on_path
        problem = "stoat-mock was not found"
    lines = [
        f"{problem}. stoat-mock is looked up, in this order, through:",
        f"  1. the --stoat-mock-bin option: {_shown(option)}",
        f"  2. the STOAT_MOCK_BIN environment variable: {_shown(env.get('STOAT_MOCK_BIN'))}",
        f"  3. PATH: {on_path or 'no stoat-mock on it'}",
        "Install stoat-mock (its README, \"Install\") or point one of the first two at the binary.",
    ]
    raise StoatMockStartError("\n".join(lines))


def _shown(value):
    return repr(value) if value else "not set"


def _executable(value, env):
    """value as an executable path; a bare name is looked up on PATH."""
    if os.sep not in value:
        return shutil.which(value, path=env.get("PATH"))
    if os.path.isfile(value) and os.access(value, os.X_OK):
        return os.path.abspath(value)
    return None


class Response:
    """An answer of ``StoatMock.request``: ``status``, ``headers``, ``text`` and ``json``
    (the parsed body, None when it is empty or not JSON)."""

    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.text = raw.decode("utf-8", "replace")
        try:
            self.json = json.loads(self.text) if self.text else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return f"<Response {self.status} {self.text[:80]!r}>"


class StoatMock:
    """One stoat-mock server process.

    ``StoatMock(binary, args=(), env=None, timeout=10)``; ``start()`` (or ``with``) runs
    it, ``stop()`` ends it. After start: ``url`` (http://HOST:PORT), ``ws_url`` (the
    ``ws`` of ``GET /``) and the control calls."""

    def __init__(self, binary, args=(), env=None, timeout=10.0):
        self.binary = binary
        self.args = list(args)
        self.env = env
        self.timeout = timeout
        self.url = None
        self.ws_url = None
        self.process = None
        self._dir = None

    # ---------------------------------------------------------------- lifecycle
    def start(self):
        """Run the server and wait for its address; StoatMockStartError with the server's
        stderr when it exits or stays silent for ``timeout`` seconds."""
        self._dir = tempfile.mkdtemp(prefix="stoat-mock-")
        out_path = os.path.join(self._dir, "stdout")
        err_path = os.path.join(self._dir, "stderr")
        argv = [self.binary, "--port", "0", "--quiet", *self.args]
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            try:
                self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                                env=self.env)
            except OSError as e:
                self._cleanup()
                raise StoatMockStartError(f"cannot run {self.binary}: {e}") from None
        deadline = time.monotonic() + self.timeout
        while True:
            match = _LISTENING.search(_read(out_path).partition("\n")[0])
            if match:
                break
            code = self.process.poll()
            if code is not None or time.monotonic() > deadline:
                if code is None:
                    self._kill()
                    why = f"printed no 'listening on' line within {self.timeout:g} s"
                else:
                    why = f"exited with status {code}"
                stderr = _read(err_path).strip() or "(nothing on stderr)"
                self._cleanup()
                raise StoatMockStartError(f"stoat-mock did not start: {' '.join(argv)} {why}.\n"
                                          f"Its stderr:\n{stderr}")
            time.sleep(0.01)
        host, port = match.group(1), match.group(2)
        host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
        if ":" in host:
            host = f"[{host}]"
        self.url = f"http://{host}:{port}"
        self.ws_url = self.request("GET", "/").json.get("ws")
        return self

    def stop(self):
        """SIGTERM, then SIGKILL after 5 s; idempotent."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self._kill()
        self._cleanup()

    def stderr(self):
        """What the server wrote on stderr so far (start-up and stop lines)."""
        return _read(os.path.join(self._dir, "stderr")) if self._dir else ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _kill(self):
        self.process.kill()
        self.process.wait()

    def _cleanup(self):
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    # ------------------------------------------------------------------ HTTP
    def request(self, method, path, json=None, token=None, bot_token=None, headers=None, timeout=30):
        """Send one request to the server (the emulated API or /_mock) and return a
        Response whatever its status. ``json``: a body to send as JSON; ``token``: an
        ``x-session-token``, ``bot_token``: an ``x-bot-token``."""
        if self.url is None:
            raise StoatMockStartError("the server is not started")
        body = None if json is None else _dumps(json)
        req = urllib.request.Request(self.url + path, data=body, method=method)
        if body is not None:
            req.add_header("content-type", "application/json")
        if token:
            req.add_header("x-session-token", token)
        if bot_token:
            req.add_header("x-bot-token", bot_token)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with _NO_PROXY.open(req, timeout=timeout) as r:
                return Response(r.status, dict(r.headers), r.read())
        except urllib.error.HTTPError as e:
            with e:
                return Response(e.code, dict(e.headers), e.read())

    def _control(self, method, path, body=None, expect=200):
        r = self.request(method, path, json=body)
        if r.status != expect:
            raise StoatMockError(method, path, r.status, r.json if r.json is not None else r.text)
        return r.json

    # ------------------------------------------------------------- control API
    def reset(self):
        """Store back to the start-up fixtures; faults and journal emptied; a seeded
        generator restarted (POST /_mock/reset)."""
        self._control("POST", "/_mock/reset", expect=204)

    def create_user(self, name):
        """A new human account with a session: ``{"user": User, "token": "..."}``."""
        return self._control("POST", "/_mock/users", {"username": name})

    def add_fault(self, **spec):
        """Register a fault (``method``, ``path``, ``token``, ``times``, and ``error``,
        ``delay_ms`` or ``drop``); returns its id, e.g. ``"fault-1"``."""
        return self._control("POST", "/_mock/faults", spec)["id"]

    def requests(self, method=None, path=None, route=None):
        """The journal, oldest first, filtered by method (any case), path pattern and
        route: a route row's name ("bots.edit"), "not_emulated" (answered 501),
        "unmatched" (no row answered) or "gateway" (the events WebSocket's entries)."""
        return self._control("GET", "/_mock/requests" + _journal_query(method, path, route))["requests"]

    def request_count(self, method=None, path=None, route=None):
        """How many journal entries the same filters keep (GET /_mock/requests/count)."""
        return self._control("GET", "/_mock/requests/count" + _journal_query(method, path, route))["count"]

    def state(self):
        """The whole state as a fixture document (GET /_mock/state)."""
        return self._control("GET", "/_mock/state")

    def set_state(self, doc):
        """Replace the whole state with a fixture document (PUT /_mock/state)."""
        self._control("PUT", "/_mock/state", doc, expect=204)


def _journal_query(method, path, route):
    query = {k: v for k, v in (("method", method), ("path", path), ("route", route)) if v is not None}
    return "?" + urllib.parse.urlencode(query) if query else ""


def _dumps(value):
    return json.dumps(value).encode()


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""
