"""osiris-lint on the vendored keboola/osiris drivers and specs, with the target it
detects (osiris-pipeline): no registration finding on a driver its spec names, and
exactly the findings below, each read against the code and true of it (why: in the
comment beside it)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import PUBLIC

OSIRIS_LINT = Path(sys.executable).with_name("osiris-lint")

EXPECTED = sorted([
    # emits rows_read/rows_written, never the transformer's rows_processed
    ("OSD010", "osiris/drivers/duckdb_processor_driver.py", 17),
    # duckdb.connect closed only on the success path, not in a finally / with
    ("OSD025", "osiris/drivers/duckdb_processor_driver.py", 42),
    # reads config.get("connection") and resolves that connection (reads a file) before it
    # checks the required 'path'
    ("OSD023", "osiris/drivers/filesystem_csv_extractor_driver.py", 18),
    # discovery mode returns self.discover(...): no rows_read metric, no "df" key
    ("OSD010", "osiris/drivers/filesystem_csv_extractor_driver.py", 72),
    ("OSD011", "osiris/drivers/filesystem_csv_extractor_driver.py", 72),
    # df_sorted.to_csv(resolved_path) writes the destination in place, no temp + os.replace
    ("OSD041", "osiris/drivers/filesystem_csv_writer_driver.py", 15),
    # sa.create_engine(connection_url) without connect_args={"connect_timeout": ...}
    ("OSD033", "osiris/drivers/mysql_extractor_driver.py", 59),
    # pd.read_sql_query(config["query"]) with no read-only check of that SQL
    ("OSD031", "osiris/drivers/mysql_extractor_driver.py", 71),
    # the plan-only `return {}` emits no metric; the other exit uses session_logging's
    # log_metric, not ctx.log_metric
    ("OSD010", "osiris/drivers/supabase_writer_driver.py", 88),
    # CREATE TABLE DDL built with an f-string from config's schema and table, unquoted,
    # and its PRIMARY KEY from config's primary_key (run -> _ensure_table_exists -> here)
    ("OSD034", "osiris/drivers/supabase_writer_driver.py", 440),
    ("OSD034", "osiris/drivers/supabase_writer_driver.py", 443),
    # every psycopg2.connect of _connect_psycopg2, which run reaches three calls down
    # (run -> _ensure_table_exists -> _execute_psycopg2_sql -> _connect_psycopg2), has
    # no connect_timeout: a silent Supabase host hangs the step
    *(("OSD033", "osiris/drivers/supabase_writer_driver.py", line)
      for line in (668, 680, 694, 718, 742, 754, 768)),
])


def lint(*args, cwd=PUBLIC):
    return subprocess.run([str(OSIRIS_LINT), "--no-cache", *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=300)


def test_the_public_drivers_have_exactly_the_expected_findings_under_the_detected_target():
    # OSD050 aside: the vendored copy leaves out keboola/osiris's tests (tests/drivers/...),
    # which reach every one of these drivers; on the whole repository OSD050 finds nothing.
    done = lint("--output-format", "json", "--ignore", "OSD050", ".")
    findings = json.loads(done.stdout)
    assert {f["target"] for f in findings} == {"osiris-pipeline"}
    found = sorted((f["code"], f["path"], f["line"]) for f in findings)
    assert found == EXPECTED, "\n".join(f"{f['path']}:{f['line']}: {f['code']} {f['message']}"
                                         for f in findings)
    assert not any(f["code"] in ("OSD003", "OSD004") for f in findings)


def test_the_human_output_says_which_target_applies_and_why():
    done = lint("--output-format", "concise", ".")
    assert ("Target: osiris-pipeline (detected: 7 component spec(s) with x-runtime.driver in "
            "components/).") in done.stdout.splitlines()


def test_under_the_contract_target_the_same_drivers_are_unregistered(public_project):
    done = lint("--target", "contract", "--select", "OSD003", "--output-format", "json", ".",
                cwd=public_project)
    assert {f["code"] for f in json.loads(done.stdout)} == {"OSD003"}


def test_a_spec_naming_a_missing_module_or_class_is_reported_at_its_driver_line(public_project):
    spec = public_project / "components" / "mysql.extractor" / "spec.yaml"
    spec.write_text(spec.read_text().replace("MySQLExtractorDriver", "MysqlExtractorDriver"))
    spec = public_project / "components" / "graphql.extractor" / "spec.yaml"
    spec.write_text(spec.read_text().replace("graphql_extractor_driver", "graphql_driver"))
    done = lint("--select", "OSD003", "--output-format", "json", ".", cwd=public_project)
    found = {(f["path"], f["line"]): f["message"] for f in json.loads(done.stdout)}
    assert set(found) == {("components/mysql.extractor/spec.yaml", 228),
                          ("components/graphql.extractor/spec.yaml", 369),
                          ("osiris/drivers/mysql_extractor_driver.py", 12),
                          ("osiris/drivers/graphql_extractor_driver.py", 15)}
    assert "names class MysqlExtractorDriver, which osiris/drivers/mysql_extractor_driver.py " \
           "does not define" in found[("components/mysql.extractor/spec.yaml", 228)]
    assert "x-runtime: {driver: osiris.drivers.graphql_extractor_driver.GraphQLExtractorDriver}" \
        in found[("osiris/drivers/graphql_extractor_driver.py", 15)]
