"""Turning osiris-lint on in a codebase that has findings: --add-noqa silences each one
in place, --write-baseline / --baseline report only findings that are new."""

import json

BROKEN = '''\
import pandas as pd
from osiris.core.driver import DriverRegistry


class ShopExtractorDriver:
    def run(self, step_id, config, inputs, ctx):
        print("reading", config["table"])  # noqa: E501 - kept, OSD020 joins it
        query = """SELECT 1
        FROM t"""
        df = pd.DataFrame({"a": [1]})
        print("done", \\
              query)
        return {"df": df}


DriverRegistry.register("shop.extractor", ShopExtractorDriver())
'''
DRIVER = "drivers/shop_extractor_driver.py"


def test_add_noqa_silences_every_finding_and_a_second_run_adds_nothing(project):
    path = project.write(DRIVER, BROKEN)
    assert project.lint("drivers").returncode == 1
    added = project.lint("drivers", "--add-noqa")
    assert added.returncode == 0, added.stderr
    assert "Added 3 noqa directive(s) in 1 file(s)." in added.stdout
    text = path.read_text()
    assert "def run(self, step_id, config, inputs, ctx):  # noqa: OSD010, OSD023, OSD024\n" in text
    assert 'print("reading", config["table"])  # noqa: E501, OSD020 - kept, OSD020 joins it\n' \
        in text
    # A backslash continuation cannot end in a comment: the directive goes above it.
    assert '        # osiris-lint: disable=OSD020\n        print("done", \\\n' in text
    assert project.lint("drivers").returncode == 0
    again = project.lint("drivers", "--add-noqa")
    assert "Added 0 noqa directive(s)" in again.stdout and path.read_text() == text


def test_add_noqa_never_writes_into_a_string(project):
    path = project.write(DRIVER, BROKEN.replace(
        'print("reading", config["table"])',
        'x = """a\n        b"""; print("reading", config["table"])'))
    project.lint("drivers", "--add-noqa")
    assert 'x = """a\n        b"""; print("reading", config["table"])' in path.read_text()
    assert project.lint("drivers").returncode == 0


def test_add_noqa_keeps_crlf_line_ends_and_the_declared_encoding(project):
    source = "# -*- coding: latin-1 -*-\n" + BROKEN.replace("reading", "l\xe9sen")
    path = project.write(DRIVER, source.replace("\n", "\r\n").encode("latin-1"))
    project.lint("drivers", "--add-noqa")
    raw = path.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert "l\xe9sen".encode("latin-1") in raw
    assert project.lint("drivers").returncode == 0


def test_add_noqa_refuses_to_run_with_fix(project):
    project.write(DRIVER, BROKEN)
    refused = project.lint("drivers", "--add-noqa", "--fix")
    assert refused.returncode == 2 and "--add-noqa cannot be combined" in refused.stderr


def test_a_baseline_hides_recorded_findings_even_when_code_moves(project):
    path = project.write(DRIVER, BROKEN)
    written = project.lint("drivers", "--write-baseline", "lint-baseline.json")
    assert written.returncode == 0 and "Recorded 5 finding(s)" in written.stdout
    recorded = json.loads((project.root / "lint-baseline.json").read_text())
    assert recorded["format"] == "osiris-lint-baseline/1"
    assert {"path": DRIVER, "code": "OSD020", "source": 'print("reading", config["table"])  '
            '# noqa: E501 - kept, OSD020 joins it', "count": 1} in recorded["findings"]
    assert project.lint("drivers", "--baseline", "lint-baseline.json").returncode == 0
    # Lines move down; a new print is the only finding reported.
    path.write_text(BROKEN.replace('        df = pd.DataFrame', '        x = 1\n'
                                   '        print("new")\n        df = pd.DataFrame'))
    linted = project.lint("drivers", "--baseline", "lint-baseline.json",
                          "--output-format", "json")
    assert linted.returncode == 1
    [finding] = json.loads(linted.stdout)
    assert (finding["code"], finding["location"]["row"]) == ("OSD020", 11)
    assert "5 finding(s) recorded in lint-baseline.json not shown" in linted.stderr


def test_a_fixed_finding_is_counted_as_no_longer_occurring(project):
    path = project.write(DRIVER, BROKEN)
    project.lint("drivers", "--write-baseline", "lint-baseline.json")
    path.write_text(BROKEN.replace('print("reading", config["table"])', 'x = config["table"]'))
    linted = project.lint("drivers", "--baseline", "lint-baseline.json")
    assert linted.returncode == 0
    assert "1 recorded finding(s) no longer occur" in linted.stderr


def test_a_missing_or_foreign_baseline_is_a_clear_error(project):
    project.write(DRIVER, BROKEN)
    missing = project.lint("drivers", "--baseline", "nope.json")
    assert missing.returncode == 2
    assert "record the current findings first with --write-baseline nope.json" in missing.stderr
    project.write("other.json", '{"version": 2}')
    foreign = project.lint("drivers", "--baseline", "other.json")
    assert foreign.returncode == 2 and "write it again with --write-baseline" in foreign.stderr
