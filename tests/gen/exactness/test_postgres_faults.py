"""PostgreSQL (issue 12): the generated writer is atomic under faults, in every write
mode. After a killed connection, a constraint violated mid-frame or a SIGKILLed
process, the target holds exactly what it held and no staging table remains; the
error the user sees is the original one.

To make "mid-write" deterministic the target gets a row trigger that, at row
``id = 600``, waits for an advisory lock the test holds: the writer has then sent
and the server inserted 500 rows of its transaction when the fault strikes."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import psycopg
import pytest

from .frames import assert_same_frame

MODES = ["append", "overwrite", "upsert"]
ROWS = 1000
OLD = pd.DataFrame({"id": pd.Series(range(0, 20, 2), dtype="int64"),
                    "v": pd.Series(["old"] * 10, dtype=object)})


def frame(mode: str) -> pd.DataFrame:
    """ROWS new rows (ids 100 on); upsert's also update the old ones."""
    ids = [*(range(0, 20, 2) if mode == "upsert" else ()), *range(100, 100 + ROWS)]
    return pd.DataFrame({"id": pd.Series(ids, dtype="int64"), "v": [f"new {i}" for i in ids]})


class Target:
    """A table holding OLD, with a trigger that waits on ``lock`` at row id 600."""

    def __init__(self, store, settings: dict) -> None:
        self.store, self.settings = store, settings
        self.lock = random.randrange(1, 2**31)
        self.function = f"{store.table}_wait"
        self.sql(
            f'CREATE TABLE "{store.table}" (id bigint PRIMARY KEY, v text NOT NULL)',
            f'CREATE FUNCTION "{self.function}"() RETURNS trigger LANGUAGE plpgsql AS $$'
            f" BEGIN IF NEW.id = 600 THEN PERFORM pg_advisory_xact_lock_shared({self.lock});"
            " END IF; RETURN NEW; END $$",
            f'CREATE TRIGGER wait BEFORE INSERT ON "{store.table}" FOR EACH ROW'
            f' EXECUTE FUNCTION "{self.function}"()',
        )
        store.write(OLD)

    def sql(self, *statements: str) -> list:
        with psycopg.connect(**self.settings, autocommit=True) as conn:
            rows = []
            for statement in statements:
                cursor = conn.execute(statement)
                rows = cursor.fetchall() if cursor.description else []
            return rows

    def waiting_writer(self, timeout: float = 20) -> int:
        """The pid of the backend waiting on the lock (the writer, mid-write)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = self.sql("SELECT pid FROM pg_locks WHERE locktype = 'advisory'"
                            f" AND objid = {self.lock} AND NOT granted")
            if rows:
                return rows[0][0]
            time.sleep(0.05)
        raise AssertionError("the writer never reached row id 600")

    def gone(self, pid: int, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while self.sql(f"SELECT 1 FROM pg_stat_activity WHERE pid = {pid}"):
            assert time.monotonic() < deadline, f"backend {pid} still runs"
            time.sleep(0.05)

    def assert_untouched(self) -> None:
        assert_same_frame(self.store.read(), OLD, order_by="id")
        staging = self.sql("SELECT count(*) FROM pg_class WHERE relname = 'osiris_upsert_staging'")
        assert staging == [(0,)]

    def drop(self) -> None:
        self.sql(f'DROP TABLE IF EXISTS "{self.store.table}"',
                 f'DROP FUNCTION IF EXISTS "{self.function}"()')


@pytest.fixture
def target(store_of, postgres_settings):
    made = Target(store_of("postgres"), postgres_settings)
    yield made
    made.drop()


def write_in_thread(target: Target, mode: str) -> dict:
    outcome: dict = {}

    def run() -> None:
        try:
            target.store.write(frame(mode), mode, primary_key="id")
        except BaseException as error:  # noqa: BLE001 - handed to the test
            outcome["error"] = error
    thread = threading.Thread(target=run)
    thread.start()
    outcome["thread"] = thread
    return outcome


@pytest.mark.parametrize("mode", MODES)
def test_a_connection_killed_mid_write_leaves_the_target_untouched(target, mode):
    with psycopg.connect(**target.settings) as holder:
        holder.execute(f"SELECT pg_advisory_xact_lock({target.lock})")
        outcome = write_in_thread(target, mode)
        pid = target.waiting_writer()
        target.sql(f"SELECT pg_terminate_backend({pid})")
        outcome["thread"].join(20)
    error = outcome["error"]
    assert isinstance(error, psycopg.errors.AdminShutdown), repr(error)
    assert "terminating connection due to administrator command" in str(error)
    target.gone(pid)
    target.assert_untouched()


@pytest.mark.parametrize("mode", MODES)
def test_a_constraint_violated_mid_frame_leaves_the_target_untouched(target, mode):
    target.sql(f'DROP TRIGGER wait ON "{target.store.table}"')
    df = frame(mode)
    df.loc[len(df) - 300, "v"] = None  # NOT NULL
    with pytest.raises(psycopg.errors.NotNullViolation, match='"v"'):
        target.store.write(df, mode, primary_key="id")
    target.assert_untouched()


@pytest.mark.parametrize("mode", MODES)
def test_a_check_violated_mid_frame_leaves_the_target_untouched(target, mode):
    target.sql(f'DROP TRIGGER wait ON "{target.store.table}"',
               f'ALTER TABLE "{target.store.table}" ADD CONSTRAINT small CHECK (id < 900)')
    with pytest.raises(psycopg.errors.CheckViolation, match="small"):
        target.store.write(frame(mode), mode, primary_key="id")
    target.assert_untouched()


WRITER = """
import importlib, json, sys
import pandas as pd
from osiris_driver_kit.runtime import osiris_fallback
osiris_fallback.install()  # osiris.core.driver, as the pytest plugin provides it
sys.path.insert(0, sys.argv[1])
module = importlib.import_module(sys.argv[2])
driver = next(v() for n, v in vars(module).items() if n.endswith("Driver") and isinstance(v, type))
class Ctx:
    def log_metric(self, *a, **k): pass
    def log_event(self, *a, **k): pass
frame = json.loads(sys.argv[4])
driver.run("killed", json.loads(sys.argv[3]), {"df": pd.DataFrame(frame)}, Ctx())
"""


@pytest.mark.parametrize("mode", MODES)
def test_a_process_killed_mid_write_leaves_the_target_untouched(target, mode):
    module = target.store.drivers["writer"]
    root = Path(module.__file__).parents[1]
    config = {**target.store.target, "write_mode": mode, "primary_key": "id"}
    with psycopg.connect(**target.settings) as holder:
        holder.execute(f"SELECT pg_advisory_xact_lock({target.lock})")
        process = subprocess.Popen([sys.executable, "-c", WRITER, str(root), module.__name__,
                                    json.dumps(config),
                                    frame(mode).to_json(orient="columns")])
        try:
            pid = target.waiting_writer()
            process.send_signal(signal.SIGKILL)
            process.wait(10)
        finally:
            process.kill()
    # The lock is released: the orphaned backend finds its client gone and rolls back.
    target.gone(pid)
    assert process.returncode == -signal.SIGKILL
    target.assert_untouched()
