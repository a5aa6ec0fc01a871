"""A generated MySQL driver fails within its timeouts on a server that accepts the
connection and never answers (issue 12: the extractor hung until killed, the writer
never returned). The server is a socket that accepts and stays silent."""

from __future__ import annotations

import importlib
import sys
import time
import uuid

import pandas as pd
import pytest
from osiris_driver_kit.contract.targets import Target
from osiris_driver_kit.generator.generation import generate
from osiris_driver_kit.generator.rendering import Request

pytest.importorskip("pymysql")


class Ctx:
    def log_metric(self, name, value, **tags):
        pass

    def log_event(self, name, data=None, **kwargs):
        pass


@pytest.fixture(scope="module")
def drivers(tmp_path_factory):
    root = tmp_path_factory.mktemp("silent")
    package = f"silent_{uuid.uuid4().hex[:8]}"
    for category in ("extractor", "writer"):
        generate(Request(category, "mysql", "mysql", root / package, root / "tests",
                         root / "components", Target.CONTRACT))
    sys.path.insert(0, str(root))
    try:
        yield {category: importlib.import_module(f"{package}.mysql_{category}_driver")
               for category in ("extractor", "writer")}
    finally:
        sys.path.remove(str(root))


@pytest.mark.parametrize("category, step", [
    ("extractor", {"query": "SELECT 1"}),
    ("writer", {"table": "orders", "write_mode": "append"}),
])
def test_a_silent_server_fails_the_step_after_read_timeout(drivers, server, category, step):
    module = drivers[category]
    driver = next(value() for name, value in vars(module).items()
                  if name.endswith("Driver") and getattr(value, "__module__", "") == module.__name__)
    config = {**step, "resolved_connection": {
        "host": "127.0.0.1", "port": server.port, "user": "root", "password": "pw",
        "database": "test", "connect_timeout": 2, "read_timeout": 2}}
    inputs = {"df": pd.DataFrame({"id": [1]})} if category == "writer" else None
    started = time.monotonic()
    with pytest.raises(ConnectionError, match=f"127.0.0.1:{server.port} .*read timeout 2s"):
        driver.run(step_id="silent", config=config, inputs=inputs, ctx=Ctx())
    assert time.monotonic() - started < 20
