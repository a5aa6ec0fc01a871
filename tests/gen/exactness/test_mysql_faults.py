"""MySQL/MariaDB writer under faults (issue 12): a connection killed mid-write, a row
that breaks a constraint mid-frame, the writer process SIGKILLed mid-write. For
append, overwrite and upsert the table then holds exactly what it held, and the
error the user sees is the original one.

The writer is held mid-write deterministically: a BEFORE INSERT trigger sleeps on
one row of a later batch, after the rows before it (and the DELETE of an overwrite)
have run in the writer's transaction."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pymysql
import pytest

from .test_mysql_types import run_sql

MODES = ["append", "overwrite", "upsert"]
ROWS = 25_000  # three batches of the writer
HELD_ID = 20_000  # in the third batch
FIRST_ID = {"append": 3, "overwrite": 3, "upsert": 2}


@pytest.fixture
def store(store_of, mysql_settings):
    store = store_of("mysql")
    run_sql(mysql_settings,
            f"CREATE TABLE `{store.table}` (id int PRIMARY KEY, v int CHECK (v >= 0))",
            f"INSERT INTO `{store.table}` VALUES (1, 1), (2, 2)")
    return store


def hold_row(settings: dict, table: str, seconds: int) -> None:
    run_sql(settings, f"CREATE TRIGGER `{table}_hold` BEFORE INSERT ON `{table}` FOR EACH ROW "
            f"IF NEW.id = {HELD_ID} THEN DO SLEEP({seconds}), '{table}'; END IF")


def frame(mode: str, bad_id: int | None = None) -> pd.DataFrame:
    """ROWS new rows; for upsert the first updates id 2. v < 0 at bad_id."""
    first = FIRST_ID[mode]
    df = pd.DataFrame({"id": range(first, first + ROWS), "v": range(ROWS)})
    if bad_id is not None:
        df.loc[df["id"] == bad_id, "v"] = -1
    return df


def contents(settings: dict, table: str) -> list[tuple]:
    return run_sql(settings, f"SELECT * FROM `{table}` ORDER BY id")


def held_connection(settings: dict, table: str, timeout: float = 30) -> int:
    """The id of the writer's connection once it sleeps in the trigger (its INFO is
    the trigger's statement, which names the table)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = run_sql(settings, "SELECT ID FROM information_schema.PROCESSLIST WHERE "
                        f"STATE = 'User sleep' AND INFO LIKE 'DO SLEEP(%{table}%'")
        if found:
            return found[0][0]
        time.sleep(0.05)
    raise AssertionError("the writer never reached the held row")


def wait_gone(settings: dict, connection: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while run_sql(settings, f"SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = {connection}"):
        assert time.monotonic() < deadline, "the writer's connection stayed"
        time.sleep(0.05)


@pytest.mark.parametrize("mode", MODES)
def test_a_connection_killed_mid_write_leaves_the_table_and_reports_the_loss(
        store, mysql_settings, mode):
    hold_row(mysql_settings, store.table, 30)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            store.write(frame(mode), mode, primary_key="id")
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            errors.append(error)
    writer = threading.Thread(target=write)
    writer.start()
    connection = held_connection(mysql_settings, store.table)
    run_sql(mysql_settings, f"KILL {connection}")
    writer.join(60)
    assert not writer.is_alive()
    [error] = errors
    assert isinstance(error, pymysql.OperationalError), repr(error)
    assert error.args[0] in (2013, 1927), repr(error)  # lost connection / killed
    wait_gone(mysql_settings, connection)
    assert contents(mysql_settings, store.table) == [(1, 1), (2, 2)]


@pytest.mark.parametrize("mode", MODES)
def test_a_row_breaking_a_constraint_mid_frame_rolls_everything_back(
        store, mysql_settings, mode):
    with pytest.raises(pymysql.MySQLError, match="CONSTRAINT"):
        store.write(frame(mode, bad_id=HELD_ID), mode, primary_key="id")
    assert contents(mysql_settings, store.table) == [(1, 1), (2, 2)]


SCRIPT = """
import sys
import pandas as pd
from osiris_driver_kit.runtime import osiris_fallback
osiris_fallback.install()
sys.path.insert(0, sys.argv[1])
module = __import__(sys.argv[2], fromlist=["_"])
driver = next(getattr(module, n)() for n in dir(module) if n.endswith("Driver"))
class Ctx:
    def log_metric(self, *a, **k): pass
    def log_event(self, *a, **k): pass
df = pd.DataFrame({"id": range(%(first)d, %(first)d + %(rows)d), "v": range(%(rows)d)})
config = {"table": sys.argv[3], "write_mode": sys.argv[4], "primary_key": "id",
          "resolved_connection": eval(sys.argv[5])}
driver.run("write", config, {"df": df}, Ctx())
"""


@pytest.mark.parametrize("mode", MODES)
def test_a_writer_process_killed_mid_write_leaves_the_table(store, mysql_settings, mode):
    hold_row(mysql_settings, store.table, 2)
    module = store.drivers["writer"]
    root = Path(module.__file__).parents[1]
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT % {"rows": ROWS, "first": FIRST_ID[mode]}, str(root), module.__name__,
         store.table, mode, repr(dict(mysql_settings))])
    try:
        connection = held_connection(mysql_settings, store.table)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    wait_gone(mysql_settings, connection)  # the server ends the orphaned transaction
    assert contents(mysql_settings, store.table) == [(1, 1), (2, 2)]
