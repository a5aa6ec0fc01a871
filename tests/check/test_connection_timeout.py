"""OSD033 at run time: the check runs a driver that connected to a server once more
against a server that accepts and never answers. One that keeps the timeouts of its
config fails within them and passes; one whose client waits for ever (PyMySQL without
read_timeout waits for the greeting) is reported as hanging, and the check goes on."""

from pathlib import Path

import pytest
import yaml
from osiris_driver_kit.runtime.check import check_drivers, silent_server
from osiris_driver_kit.runtime.check.scenario import load_scenarios

pytest.importorskip("pymysql")

DRIVER = '''
import pandas as pd
import pymysql
from osiris.core.driver import DriverRegistry


class {name}Driver:
    def run(self, *, step_id, config, inputs=None, ctx=None):
        try:
            if "query" not in config:
                raise ValueError("config['query'] is required")
            c = config["resolved_connection"]
            conn = pymysql.connect(host=c["host"], port=int(c["port"]), user=c["user"],
                                   password=c["password"], database=c["database"],
                                   {timeouts})
            try:
                with conn.cursor() as cursor:
                    cursor.execute(config["query"])
                    df = pd.DataFrame(list(cursor.fetchall()), columns=["n"])
            finally:
                conn.close()
        except Exception as e:
            ctx.log_event("step_failed", {{"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__}})
            raise
        ctx.log_metric("rows_read", len(df))
        return {{"df": df}}


DriverRegistry.register("{key}", {name}Driver())
'''
KEPT = "connect_timeout=int(c['connect_timeout']), read_timeout=int(c['read_timeout'])"
# PyMySQL's connect_timeout defaults to 10 s, but only for the TCP connect.
IGNORED = "autocommit=False"


def check(tmp_path, mysql_settings, name: str, timeouts: str):
    drivers = tmp_path / "drivers"
    drivers.mkdir()
    key = f"{name.lower()}.extractor"
    (drivers / f"{name.lower()}_extractor_driver.py").write_text(
        DRIVER.format(name=name, key=key, timeouts=timeouts))
    connection = {**mysql_settings, "connect_timeout": 5, "read_timeout": 5}
    (drivers / "check.yaml").write_text(yaml.safe_dump({key: {
        "config": {"query": "SELECT 1 AS n", "resolved_connection": connection},
        "failing": {"resolved_connection": {"port": 1}}}}))
    report = check_drivers(drivers, load_scenarios(drivers / "check.yaml"), tmp_path / "work")
    [driver] = report.drivers
    return {r.rule.code: r for r in driver.results}


def test_a_driver_keeping_its_timeouts_passes(tmp_path, mysql_settings):
    results = check(tmp_path, mysql_settings, "Timely", KEPT)
    assert results["OSD033"].status == "passed"


def test_a_driver_that_waits_for_ever_is_reported_and_the_check_ends(
    tmp_path, mysql_settings, monkeypatch
):
    monkeypatch.setattr(silent_server, "HANG_BOUND", 3)
    results = check(tmp_path, mysql_settings, "Hanging", IGNORED)
    assert results["OSD033"].status == "breached"
    [finding] = results["OSD033"].findings
    assert "never answers, run was still waiting after 3 s" in finding.observed
    assert "read timeout" in finding.expected


def test_a_driver_of_a_local_file_is_not_judged(tmp_path):
    report = check_drivers(_sqlite_driver(tmp_path), {}, tmp_path / "work")
    verdict = {r.rule.code: r for d in report.drivers for r in d.results}["OSD033"]
    assert verdict.status == "skipped" and "connected to no server" in verdict.reason


def _sqlite_driver(tmp_path):
    compliant = Path(__file__).parent / "compliant"
    return next(p for p in compliant.iterdir() if p.name.startswith("sqlite")
                and p.name.endswith("extractor_driver.py"))


def test_a_config_is_pointed_at_the_silent_server_where_it_names_its_host():
    config = {"query": "q", "resolved_connection": {"host": "db", "port": 5432, "user": "u"}}
    pointed = silent_server.silent_config(config, 4242)
    assert pointed["resolved_connection"] == {
        "host": "127.0.0.1", "port": 4242, "user": "u",
        "connect_timeout": silent_server.SILENT_TIMEOUT,
        "read_timeout": silent_server.SILENT_TIMEOUT}
    assert silent_server.silent_config({"path": "x.db"}, 1) is None
