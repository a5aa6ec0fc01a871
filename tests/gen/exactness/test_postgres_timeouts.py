"""PostgreSQL (issue 12): the generated drivers fail within their timeouts.

- A server that accepts TCP and never answers: libpq's connect_timeout bounds the whole
  startup, so extractor and writer fail after it, naming host, port and timeout.
- A statement that waits (here on a lock another session holds) is bounded by
  statement_timeout: the writer fails after it and the table keeps what it held.
- A server that completes the handshake and then goes silent (a hung server, a network
  partition while the kernel still acknowledges), here a proxy that stops forwarding
  at a chosen message: read_timeout bounds every wait for an answer, the first query's,
  the query's description, each chunk of a COPY either way. The step fails after it
  with a ConnectionError naming host, port and read_timeout, and the writer's table
  keeps what it held.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import Callable

import pandas as pd
import psycopg
import pytest

from .conftest import Ctx


def _driver(generated, category):
    module = generated["postgres"][category]
    return next(value() for name, value in vars(module).items()
                if name.endswith("Driver") and isinstance(value, type))


@pytest.mark.parametrize("category, step", [
    ("extractor", {"query": "SELECT 1"}),
    ("extractor", {"table": "orders"}),
    ("writer", {"table": "orders", "write_mode": "append"}),
])
def test_a_silent_server_fails_the_step_after_connect_timeout(generated, server, category, step):
    config = {**step, "resolved_connection": {
        "host": "127.0.0.1", "port": server.port, "user": "postgres",
        "password": "s3cret-pw", "database": "test", "connect_timeout": 2}}
    inputs = {"df": pd.DataFrame({"id": [1]})} if category == "writer" else None
    started = time.monotonic()
    with pytest.raises(ConnectionError, match=f"127.0.0.1:{server.port} .*timeout 2s") as caught:
        _driver(generated, category).run("silent", config, inputs, Ctx())
    assert time.monotonic() - started < 8
    assert "s3cret-pw" not in str(caught.value)
    assert server.held, "the driver never reached the server"


def test_statement_timeout_bounds_a_writer_waiting_on_a_lock(store_of, postgres_settings):
    store = store_of("postgres")
    store.write(pd.DataFrame({"id": [1]}))
    with psycopg.connect(**postgres_settings) as locker:
        locker.execute(f'LOCK TABLE "{store.table}" IN ACCESS EXCLUSIVE MODE')
        started = time.monotonic()
        with pytest.raises(TimeoutError, match=r"statement_timeout 1s"):
            store.write(pd.DataFrame({"id": [2]}), statement_timeout=1)
        assert time.monotonic() - started < 6
    assert store.read()["id"].tolist() == [1]


def test_statement_timeout_bounds_an_extractor(store_of):
    store = store_of("postgres")
    with pytest.raises(TimeoutError, match=r"statement_timeout 1s"):
        store.read(query="SELECT pg_sleep(5)", statement_timeout=1)


# --- read_timeout: a server that answers the handshake and then goes silent ------------

SSL_REQUEST, GSSENC_REQUEST = 80877103, 80877104
READ_TIMEOUT = 2  # seconds, given to the drivers
MARGIN = 3  # seconds the drivers may take beyond it (connecting, closing, the thread)
HANG = READ_TIMEOUT + MARGIN + 10  # a driver still waiting then has no read bound


class FreezingProxy:
    """A TCP proxy in front of the real PostgreSQL that goes silent mid-conversation:
    a hung server, or a network partition while the kernel still acknowledges.

    It refuses TLS and GSS encryption itself (answers 'N', so it can read the protocol),
    forwards everything until a message of the client matches ``freeze_on(kind, body)``,
    then stops: at once (the message never reaches the server), or, with ``server_bytes``,
    after forwarding the message and that many more bytes of the server's answer (a COPY
    stream cut mid-way). Frozen, it keeps both sockets open and reads them, so neither
    side's buffers fill, and forwards nothing. ``close()`` drops every connection, which
    ends the server's side (it rolls back what was not committed)."""

    def __init__(self, upstream: tuple[str, int],
                 freeze_on: Callable[[bytes, bytes], bool],
                 server_bytes: int | None = None) -> None:
        self.upstream, self.freeze_on, self.server_bytes = upstream, freeze_on, server_bytes
        self.triggered = threading.Event()
        self.sockets: list[socket.socket] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, name="freezing-proxy", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client = self.listener.accept()[0]
            except OSError:  # closed
                return
            server = socket.create_connection(self.upstream)
            self.sockets += [client, server]
            _Link(self, client, server)

    def close(self) -> None:
        self.listener.close()
        for connection in self.sockets:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)  # wakes the threads reading it
            connection.close()


class _Link:
    """One client connection through the proxy: a thread each way."""

    def __init__(self, proxy: FreezingProxy, client: socket.socket,
                 server: socket.socket) -> None:
        self.proxy, self.client, self.server = proxy, client, server
        self.frozen = False
        self.allowance: int | None = None  # server bytes still forwarded once triggered
        threading.Thread(target=self._from_client, daemon=True).start()
        threading.Thread(target=self._from_server, daemon=True).start()

    def _from_client(self) -> None:
        pending, typed = b"", False  # the startup messages have no type byte
        while data := self._recv(self.client):
            pending += data
            while True:
                header = 5 if typed else 4
                if len(pending) < header:
                    break
                size = int.from_bytes(pending[header - 4:header], "big") + header - 4
                if len(pending) < size:
                    break
                message, pending = pending[:size], pending[size:]
                if typed:
                    self._client_message(message[:1], message[5:], message)
                elif int.from_bytes(message[4:8], "big") in (SSL_REQUEST, GSSENC_REQUEST):
                    self.client.sendall(b"N")  # no encryption: plain protocol from here
                else:  # the StartupMessage (or a CancelRequest)
                    self.server.sendall(message)
                    typed = True
        self._end()

    def _client_message(self, kind: bytes, body: bytes, message: bytes) -> None:
        if not self.frozen and not self.proxy.triggered.is_set() \
                and self.proxy.freeze_on(kind, body):
            self.proxy.triggered.set()
            if self.proxy.server_bytes is None:
                self.frozen = True
            else:
                self.allowance = self.proxy.server_bytes
        if not self.frozen:
            self.server.sendall(message)

    def _from_server(self) -> None:
        while data := self._recv(self.server):
            if self.frozen:
                continue
            if self.allowance is not None:
                data = data[:self.allowance]
                self.allowance -= len(data)
                self.frozen = self.allowance <= 0
            self.client.sendall(data)
        self._end()

    @staticmethod
    def _recv(connection: socket.socket) -> bytes:
        try:
            return connection.recv(1 << 16)
        except OSError:  # the proxy closed it
            return b""

    def _end(self) -> None:
        """A side closed: unless frozen (silent to the end), close the other."""
        if not self.frozen:
            for connection in (self.client, self.server):
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def freezing_proxy(postgres_settings):
    """A factory: freezing_proxy(freeze_on, server_bytes=None) -> a FreezingProxy in front
    of the test server, closed after the test."""
    made: list[FreezingProxy] = []

    def make(freeze_on, server_bytes=None) -> FreezingProxy:
        made.append(FreezingProxy((postgres_settings["host"], postgres_settings["port"]),
                                  freeze_on, server_bytes))
        return made[-1]
    yield make
    for proxy in made:
        proxy.close()


def _through(proxy: FreezingProxy, settings: dict) -> dict:
    """The connection of a step config, through the proxy, with a short read_timeout."""
    return {"host": "127.0.0.1", "port": proxy.port, "user": settings["user"],
            "password": "s3cret-pw", "database": settings["dbname"],
            "connect_timeout": 5, "read_timeout": READ_TIMEOUT}


def _run_bounded(run: Callable[[], object], proxy: FreezingProxy) -> tuple[BaseException, float]:
    """The error ``run()`` fails with and the seconds it took. A run still waiting after
    HANG seconds fails the test (closing the proxy ends its wait)."""
    outcome: dict = {}

    def target() -> None:
        started = time.monotonic()
        try:
            run()
        except BaseException as error:  # noqa: BLE001 - handed to the test
            outcome["error"] = error
        outcome["seconds"] = time.monotonic() - started
    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(HANG)
    if worker.is_alive():
        proxy.close()
        worker.join(10)
        pytest.fail(f"the driver still waited for the silent server after {HANG}s")
    assert proxy.triggered.is_set(), "the driver never sent what freezes the proxy"
    assert "error" in outcome, "the driver succeeded through a frozen server"
    return outcome["error"], outcome["seconds"]


def _assert_read_timeout(error: BaseException, seconds: float, proxy: FreezingProxy) -> None:
    assert isinstance(error, ConnectionError), repr(error)
    assert re.search(rf"127\.0\.0\.1:{proxy.port} .*read timeout {READ_TIMEOUT}s", str(error)), error
    assert "read_timeout" in str(error)
    assert "s3cret-pw" not in str(error)
    assert READ_TIMEOUT - 0.5 <= seconds < READ_TIMEOUT + MARGIN, seconds


def _first_query(kind: bytes, body: bytes) -> bool:
    """The first statement after authentication (the session's setup)."""
    return kind in (b"Q", b"P")


BIG_QUERY = "SELECT g AS id, repeat('x', 60) AS v FROM generate_series(1, 200000) g"


@pytest.mark.parametrize("freeze_on, server_bytes", [
    pytest.param(_first_query, None, id="first-query"),
    pytest.param(lambda kind, body: b"DECLARE" in body, None, id="describing-the-query"),
    # The COPY is sent and 256 KiB of its ~13 MB of rows come back before the silence.
    pytest.param(lambda kind, body: b"COPY" in body, 256 * 1024, id="mid-copy-stream"),
])
def test_a_server_silent_after_the_handshake_fails_the_extractor_after_read_timeout(
        generated, postgres_settings, freezing_proxy, freeze_on, server_bytes):
    proxy = freezing_proxy(freeze_on, server_bytes)
    config = {"query": BIG_QUERY, "resolved_connection": _through(proxy, postgres_settings)}
    error, seconds = _run_bounded(
        lambda: _driver(generated, "extractor").run("silent", config, None, Ctx()), proxy)
    _assert_read_timeout(error, seconds, proxy)


@pytest.mark.parametrize("freeze_on", [
    pytest.param(_first_query, id="first-query"),
    pytest.param(lambda kind, body: b"CREATE TABLE" in body, id="create-table"),
    pytest.param(lambda kind, body: kind == b"d", id="mid-copy-stream"),  # CopyData
])
def test_a_server_silent_after_the_handshake_fails_the_writer_after_read_timeout(
        store_of, postgres_settings, freezing_proxy, freeze_on):
    store = store_of("postgres")
    store.write(pd.DataFrame({"id": [1, 2], "v": ["a", "b"]}))
    proxy = freezing_proxy(freeze_on)
    frame = pd.DataFrame({"id": range(3, 100_003), "v": ["new"] * 100_000})
    config = {"table": store.table, "write_mode": "append",
              "resolved_connection": _through(proxy, postgres_settings)}
    error, seconds = _run_bounded(
        lambda: store.driver("writer").run("silent", config, {"df": frame}, Ctx()), proxy)
    _assert_read_timeout(error, seconds, proxy)
    proxy.close()  # the server sees the connection gone and rolls back
    assert sorted(store.read()["id"]) == [1, 2]


def test_the_proxy_forwards_a_whole_conversation_until_it_freezes(
        generated, store_of, postgres_settings, freezing_proxy):
    """Through a proxy that never freezes, both drivers work: what fails above is the
    silence, not the proxy."""
    proxy = freezing_proxy(lambda kind, body: False)
    connection = _through(proxy, postgres_settings)
    df = _driver(generated, "extractor").run(
        "read", {"query": BIG_QUERY, "resolved_connection": connection}, None, Ctx())["df"]
    assert len(df) == 200_000
    store = store_of("postgres")
    store.driver("writer").run("write", {"table": store.table, "resolved_connection": connection},
                               {"df": pd.DataFrame({"id": [1, 2]})}, Ctx())
    assert sorted(store.read()["id"]) == [1, 2]


def test_a_read_timeout_below_one_second_is_refused_before_connecting(generated, server):
    config = {"query": "SELECT 1", "resolved_connection": {
        "host": "127.0.0.1", "port": server.port, "user": "postgres", "database": "test",
        "read_timeout": 0}}
    with pytest.raises(ValueError, match="read_timeout must be a number of seconds above 0"):
        _driver(generated, "extractor").run("zero", config, None, Ctx())
    assert not server.held
