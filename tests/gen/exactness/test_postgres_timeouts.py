"""PostgreSQL (issue 12): the generated drivers fail within their timeouts.

- A server that accepts TCP and never answers: libpq's connect_timeout bounds the whole
  startup, so extractor and writer fail after it, naming host, port and timeout.
- A statement that waits (here on a lock another session holds) is bounded by
  statement_timeout: the writer fails after it and the table keeps what it held.
"""

from __future__ import annotations

import time

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
