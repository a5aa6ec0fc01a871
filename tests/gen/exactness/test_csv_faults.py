"""CSV (issue 12): a write that fails or is killed leaves the old file byte for byte, and
the temporary file a killed run leaves is named for its process and removed by the next
write once that process is gone (never a live writer's)."""

from __future__ import annotations

import decimal
import os
import resource
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

OLD = pd.DataFrame({"id": range(100), "name": [f"n{i}" for i in range(100)]})


@pytest.fixture
def store(store_of):
    store = store_of("csv")
    store.write(OLD)
    return store


def temporaries(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f".{path.name}.osiris-*.tmp"))


def writer_process(store, rows: int, **popen) -> subprocess.Popen:
    """A process running the generated writer: overwrite with ``rows`` rows."""
    module = store.drivers["writer"]
    root = Path(module.__file__).parents[1]
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(root)!r})
        import importlib
        import pandas as pd
        from osiris_driver_kit.runtime import osiris_fallback
        from tests.gen.exactness.conftest import Ctx
        osiris_fallback.install()
        module = importlib.import_module({module.__name__!r})
        driver = next(getattr(module, n)() for n in dir(module) if n.endswith("Driver"))
        df = pd.DataFrame({{"id": range({rows}), "name": ["x" * 20] * {rows}}})
        driver.run("w", {{"path": {str(store.path)!r}, "write_mode": "overwrite"}},
                   {{"df": df}}, Ctx())
    """)
    return subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).parents[3],
                            stderr=subprocess.PIPE, **popen)


def test_sigkill_mid_write_keeps_the_file_and_the_next_write_removes_the_leftover(store):
    before = store.path.read_bytes()
    writer = writer_process(store, 3_000_000)
    deadline = time.monotonic() + 60
    while not temporaries(store.path):
        assert writer.poll() is None, writer.stderr.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.005)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    leftover = temporaries(store.path)
    assert len(leftover) == 1 and f"osiris-{writer.pid}-" in leftover[0].name
    assert store.path.read_bytes() == before
    store.write(OLD.head(1), "append")
    assert temporaries(store.path) == []
    assert len(store.read()) == 101


def test_a_live_writers_temporary_file_is_left_alone(store):
    live = store.path.parent / f".{store.path.name}.osiris-{os.getpid()}-abc.tmp"
    live.write_bytes(b"in progress")
    store.write(OLD.head(1), "append")
    assert live.read_bytes() == b"in progress"


def test_a_full_disk_mid_write_keeps_the_file(store):
    """A file size limit (RLIMIT_FSIZE) makes writes past 64 KB fail with EFBIG, as a
    full disk fails them with ENOSPC."""
    before = store.path.read_bytes()

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 16, 1 << 16))
    writer = writer_process(store, 200_000, preexec_fn=limit)
    _, errors = writer.communicate(timeout=120)
    assert writer.returncode != 0 and b"File too large" in errors
    assert store.path.read_bytes() == before
    assert temporaries(store.path) == []


def test_a_value_that_fails_after_the_first_rows_are_written_keeps_the_file(store):
    before = store.path.read_bytes()
    amounts = [decimal.Decimal(i) for i in range(250_000)] + [decimal.Decimal("Infinity")]
    df = pd.DataFrame({"id": range(len(amounts)), "name": amounts})
    with pytest.raises(ValueError, match="'name'.*Infinity"):
        store.write(df, "overwrite")
    assert store.path.read_bytes() == before
    assert temporaries(store.path) == []
