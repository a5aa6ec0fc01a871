"""Fixtures for running osiris-lint on a temporary project, as a user would."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

OSIRIS_LINT = Path(sys.executable).with_name("osiris-lint")

CLEAN_EXTRACTOR = '''\
from osiris.core.driver import DriverRegistry


class OrdersExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            df = self._read(config)
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


DriverRegistry.register("orders.extractor", OrdersExtractorDriver())
'''

# Keeps every rule but OSD020 (the print on line 6, column 9, which tests point at).
PRINTING_WRITER = '''\
from osiris.core.driver import DriverRegistry

class CsvWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        self._validate(config, inputs)
        print("writing", len(inputs["df"]))
        try:
            match config.get("write_mode", "append"):
                case "append" | "overwrite" | "upsert":
                    self._write(inputs["df"], keys=config.get("primary_key"))
                case other:
                    raise ValueError(f"unsupported write_mode {other!r}")
            ctx.log_metric("rows_written", len(inputs["df"]))
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise

    def _validate(self, config, inputs):
        if "path" not in config or not inputs or "df" not in inputs:
            raise ValueError("the CSV writer needs config['path'] and inputs['df']")


DriverRegistry.register("csv.writer", CsvWriterDriver())
'''


class Project:
    """A folder of files and a way to run osiris-lint in it. Its drivers are made for the
    other rules and have no tests: OSD050 (untested-driver) is ignored unless
    ``untested_driver_rule`` is set."""

    def __init__(self, root: Path, untested_driver_rule: bool = False) -> None:
        self.root = root
        self.untested_driver_rule = untested_driver_rule

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text))
        return path

    def lint(self, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        ignore = [] if self.untested_driver_rule else ["--ignore", "OSD050"]
        return subprocess.run([str(OSIRIS_LINT), *ignore, *args], cwd=self.root, capture_output=True,
                              text=True, env={**os.environ, "NO_COLOR": "1", **(env or {})},
                              timeout=120)


@pytest.fixture
def project(tmp_path) -> Project:
    return Project(tmp_path)
