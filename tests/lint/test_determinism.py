"""The same files give the same report, byte for byte, whatever the hash seed, the
number of processes and the state of the cache (issue 15: "same answer every time")."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .support import lint_files

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def table_choice_extractor(tables: list[str]) -> str:
    """An extractor whose query is composed from one of ``tables`` (one branch each)."""
    branches = "".join(f"        {'if' if i == 0 else 'elif'} mode == {i}:\n"
                       f"            table = {name!r}\n" for i, name in enumerate(tables))
    branches += "        else:\n            table = \"refunds\"\n"
    return (
        "from osiris.core.driver import DriverRegistry\n\n\n"
        "class TablesExtractorDriver:\n"
        "    def run(self, step_id, config, inputs, ctx):\n"
        "        mode = config.get(\"mode\")\n"
        f"{branches}"
        "        with config[\"conn\"].cursor() as cur:\n"
        "            cur.execute(\"SELECT * FROM \" + table)\n"
        "            rows = cur.fetchall()\n"
        "        ctx.log_metric(\"rows_read\", len(rows))\n"
        "        return {\"df\": rows}\n\n\n"
        "DriverRegistry.register(\"tables.extractor\", TablesExtractorDriver())\n")


# Twenty table names, one of which smuggles in a DELETE: more texts than OSD031 judges.
SMUGGLED = [f"t{i:02d}" for i in range(20)]
SMUGGLED[13] = "x; DELETE FROM audit"


def test_osd031_judges_every_alternative_of_a_composed_query():
    found = lint_files({"tables_extractor_driver.py": table_choice_extractor(SMUGGLED)},
                       frozenset({"OSD031"})).findings
    assert [(f.code, f.line) for f in found] == [("OSD031", 50)]
    assert "DELETE" in found[0].message


@pytest.fixture(scope="module")
def corpus_copy(tmp_path_factory) -> Path:
    """The corpus plus the OSD031 case whose verdict used to follow the hash seed."""
    root = tmp_path_factory.mktemp("determinism") / "corpus"
    shutil.copytree(CORPUS, root)
    (root / "lakehouse" / "tables_extractor_driver.py").write_text(
        table_choice_extractor(SMUGGLED))
    return root


# (PYTHONHASHSEED, --jobs, cache): cold then warm runs read the cache the earlier ones wrote.
RUNS = [("0", "1", False), ("1", "1", False), ("2", "2", False), ("3", "2", False),
        ("4", "2", True), ("5", "1", True), ("6", "2", True)]


def test_the_corpus_report_is_the_same_under_every_seed_job_count_and_cache_state(corpus_copy):
    from .conftest import Project

    project = Project(corpus_copy)
    reports = {}
    for seed, jobs, cached in RUNS:
        result = project.lint(".", "--output-format", "json", "--jobs", jobs,
                              *(() if cached else ("--no-cache",)),
                              env={"PYTHONHASHSEED": seed})
        assert result.returncode == 1, result.stderr
        reports[(seed, jobs, cached)] = result.stdout
    first = reports[RUNS[0]]
    assert "tables_extractor_driver.py" in first
    assert {run: report == first for run, report in reports.items()} == {
        run: True for run in RUNS}
