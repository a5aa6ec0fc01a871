"""``osiris-gen quickstart DIR``: the README's main job, end to end on embedded storage.

It generates a sqlite extractor and a csv writer (with their tests and specs), lints
them when osiris-lint is installed, creates a sample sqlite database, writes a
pipeline and its connections file, and runs the pipeline with osiris-run.
"""

from __future__ import annotations

import importlib.util
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from .filewriter import RenderedFile, apply_changes, plan_changes
from .generation import generate
from .rendering import Request, render_template

DRIVERS, TESTS, COMPONENTS = "drivers", "tests", "components"
DATABASE, OUTPUT = "data/shop.db", "output/orders.csv"
SAMPLE_ORDERS = [
    (1, "ada", 19.90, "2026-11-02T09:15:00"),
    (2, "grace", 5.00, "2026-11-02T10:01:00"),
    (3, "linus", 42.50, "2026-11-03T16:45:00"),
    (4, "ada", 7.25, "2026-11-04T08:30:00"),
]
_LINT = "from osiris_driver_kit.linter.cli import main; main()"
_RUN = "from osiris_driver_kit.runtime.cli import main; main()"


def run_quickstart(folder: Path, say: Callable[[str], None]) -> int:
    """Returns the exit code: osiris-lint's when it finds problems, else osiris-run's."""
    for category, backend in (("extractor", "sqlite"), ("writer", "csv")):
        request = Request(category, backend, backend, folder / DRIVERS, folder / TESTS,
                          folder / COMPONENTS)
        for change in generate(request, root=folder).written:
            say(f"generated {change.file.path}")
    lint_status = _lint(folder / DRIVERS, say)
    if lint_status:
        say(f"osiris-lint found problems in {folder / DRIVERS}: the pipeline was not run.")
        return lint_status
    _create_sample_database(folder / DATABASE)
    say(f"created the sample database {folder / DATABASE} ({len(SAMPLE_ORDERS)} orders)")
    context = {"drivers": DRIVERS, "database": DATABASE, "output": OUTPUT}
    apply_changes(plan_changes([
        RenderedFile(folder / "pipeline.yaml", render_template("quickstart/pipeline.yaml.j2", context)),
        RenderedFile(folder / "osiris_connections.yaml",
                     render_template("quickstart/osiris_connections.yaml.j2", context)),
    ], force=False))
    say(f"running: osiris-run pipeline.yaml --drivers {DRIVERS}  (in {folder})")
    ran = subprocess.run([sys.executable, "-c", _RUN, "pipeline.yaml", "--drivers", DRIVERS],
                         cwd=folder, check=False)
    if ran.returncode == 0:
        say(f"\nDone: the orders are in {folder / OUTPUT}. Run the generated tests with:\n"
            f"  cd {folder} && python -m pytest {TESTS}")
    return ran.returncode


def _lint(drivers: Path, say: Callable[[str], None]) -> int:
    if importlib.util.find_spec("osiris_driver_kit.linter.cli") is None:
        say("osiris-lint is not installed in this environment: lint step skipped.")
        return 0
    say(f"running: osiris-lint {drivers}")
    return subprocess.run([sys.executable, "-c", _LINT, str(drivers)], check=False).returncode


def _create_sample_database(path: Path) -> None:
    """A fresh copy each time, so the quick start always shows the same result."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, "
                     "amount REAL NOT NULL, ordered_at TEXT NOT NULL)")
        conn.executemany("INSERT INTO orders VALUES (?, ?, ?, ?)", SAMPLE_ORDERS)
    conn.close()
