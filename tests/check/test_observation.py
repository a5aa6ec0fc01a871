"""The instruments of the check: descriptor-level output capture and the
connect spy that records, redirects and traces database connections."""

import os
import sqlite3
import subprocess
import sys

from osiris_driver_kit.runtime.capture import captured_output
from osiris_driver_kit.runtime.check.connects import ConnectSpy


def test_output_is_caught_at_the_descriptor_level_and_the_streams_come_back(capfd):
    with captured_output() as output:
        print("from print")
        os.write(2, b"from fd 2\n")
        subprocess.run([sys.executable, "-c", "print('from a child')"], check=True)
    assert output.stdout == b"from print\nfrom a child\n"
    assert output.stderr == b"from fd 2\n"
    print("after the block")
    assert capfd.readouterr().out == "after the block\n"


def test_the_spy_records_connects_and_sends_a_read_only_uri_to_the_copy(tmp_path):
    original, copy = tmp_path / "shop.db", tmp_path / "copy.db"
    for path, rows in ((original, 1), (copy, 2)):
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE t (x)")
            conn.executemany("INSERT INTO t VALUES (?)", [(n,) for n in range(rows)])
        conn.close()
    with ConnectSpy({original.resolve(): copy}) as spy:
        conn = sqlite3.connect(f"file:{original}?mode=ro", uri=True)
        count = conn.execute("SELECT COUNT(*) FROM t").fetchone()[0]
        conn.close()
    assert count == 2  # the copy was opened, read-only as asked
    assert [(c.client, c.database) for c in spy.calls] == [("sqlite3", original)]
    assert spy.statements == ["SELECT COUNT(*) FROM t"]
    assert sqlite3.connect.__name__ == "connect" and not hasattr(sqlite3.connect, "__wrapped__")
