"""The runner: steps in dependency order, inputs wired as the public Osiris
runner wires them, the first failure stops the run, and the run folder holds
the masked record of what happened."""

import gc
import json
import textwrap
import tracemalloc
import weakref
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from osiris.core.driver import DriverRegistry
from osiris_driver_kit.runtime.connections import Connections
from osiris_driver_kit.runtime.discovery import load_drivers
from osiris_driver_kit.runtime.pipeline import load_pipeline
from osiris_driver_kit.runtime.planning import plan_run
from osiris_driver_kit.runtime.runner import run_plan

FIXTURE_DRIVERS = Path(__file__).parent / "fixture_drivers"


@pytest.fixture
def registry(osiris_registry):
    assert load_drivers(FIXTURE_DRIVERS).failures == []
    from probe_transformer_driver import SEEN  # loaded by discovery just above
    SEEN.clear()
    return osiris_registry


@pytest.fixture
def seen(registry):
    from probe_transformer_driver import SEEN
    return SEEN


def run(tmp_path, registry, text, connections=None, env=None):
    source = tmp_path / "pipeline.yaml"
    source.write_text(textwrap.dedent(text))
    conns = None
    if connections:
        (tmp_path / "osiris_connections.yaml").write_text(textwrap.dedent(connections))
        conns = Connections.load(tmp_path / "osiris_connections.yaml")
    plan = plan_run(load_pipeline(source), registry, conns, env or {})
    return run_plan(plan, registry, tmp_path / "run")


def records(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_one_upstream_arrives_as_df_as_df_id_and_as_its_whole_result(tmp_path, registry, seen):
    result = run(tmp_path, registry, """
        steps:
          - {id: raw-orders, driver: list.extractor, config: {rows: [{a: 1}, {a: 2}]}}
          - {id: clean, driver: probe.transformer, needs: [raw-orders]}
    """)
    assert result.ok
    [received] = [s["inputs"] for s in seen]
    assert set(received) == {"raw-orders", "df_raw_orders", "df"}
    assert received["df"] is received["df_raw_orders"] is received["raw-orders"]["df"]


def test_several_upstreams_arrive_by_id_and_there_is_no_ambiguous_df(tmp_path, registry, seen):
    run(tmp_path, registry, """
        steps:
          - {id: a, driver: list.extractor, config: {rows: [{x: 1}]}}
          - {id: b, driver: list.extractor, config: {rows: [{x: 2}, {x: 3}]}}
          - {id: both, driver: probe.transformer, needs: [a, b]}
    """)
    [received] = [s["inputs"] for s in seen]
    assert set(received) == {"a", "df_a", "b", "df_b"}


def test_a_writer_upstream_adds_its_result_but_no_frame(tmp_path, registry, seen):
    run(tmp_path, registry, f"""
        steps:
          - {{id: a, driver: list.extractor, config: {{rows: [{{x: 1}}]}}}}
          - {{id: save, driver: csv.writer, needs: [a], config: {{path: "{tmp_path}/a.csv"}}}}
          - {{id: after, driver: probe.transformer, needs: [a, save]}}
    """)
    [received] = [s["inputs"] for s in seen]
    assert received["save"] == {} and set(received) == {"a", "df_a", "df", "save"}


def test_extractors_receive_none_and_keyword_only_drivers_run(tmp_path, registry, seen):
    result = run(tmp_path, registry, """
        steps:
          - {id: empty, driver: probe.transformer}
    """)
    assert result.ok and seen == [{"step_id": "empty", "inputs": None}]


def test_the_first_failure_stops_the_run_and_is_recorded_masked(tmp_path, registry):
    result = run(tmp_path, registry, """
        steps:
          - {id: a, driver: list.extractor, config: {rows: [{x: 1}]}}
          - {id: save, driver: failing.writer, needs: [a], config: {connection: "@pg.main"}}
          - {id: after, driver: probe.transformer, needs: [save]}
        """, connections="""
        connections:
          pg: {main: {host: db, password: "${PGPASS}"}}
        """, env={"PGPASS": "hunter2"})
    assert not result.ok
    assert [o.status for o in result.outcomes] == ["ok", "failed", "not run"]
    failed = result.failed_step
    assert failed.step_id == "save" and failed.error_type == "ConnectionError"
    assert failed.error == "cannot log in to postgresql://app:***@db/x"
    [event] = [e for e in records(tmp_path / "run" / "events.jsonl") if e["event"] == "step_failed"]
    assert event["data"]["error"] == failed.error and event["step_id"] == "save"
    everything = "".join(p.read_text() for p in (tmp_path / "run").rglob("*") if p.is_file())
    assert "hunter2" not in everything


def test_a_result_that_is_not_a_dict_fails_the_step_with_the_contract_shape(tmp_path, registry):
    result = run(tmp_path, registry, """
        steps:
          - {id: a, driver: list.extractor, config: {rows: [{x: 1}]}}
          - {id: save, driver: listing.writer, needs: [a]}
    """)
    assert result.failed_step.error == (
        "driver 'listing.writer' returned list; run() must return {'df': DataFrame} "
        "(extractors, transformers) or {} (writers)")


def test_the_run_folder_holds_resolved_pipeline_events_metrics_and_summary(tmp_path, registry):
    result = run(tmp_path, registry, f"""
        name: orders
        steps:
          - {{id: a, driver: list.extractor, config: {{rows: [{{x: 1}}, {{x: 2}}], connection: "@pg"}}}}
          - {{id: save, driver: csv.writer, needs: [a], config: {{path: "{tmp_path}/out.csv"}}}}
        """, connections="""
        connections:
          pg: {main: {host: db, password: s3cret}}
        """)
    folder = tmp_path / "run"
    resolved = yaml.safe_load((folder / "pipeline.resolved.yaml").read_text())
    assert resolved["steps"][0]["config"]["resolved_connection"] == {"host": "db", "password": "***"}
    events = [(e["step_id"], e["event"]) for e in records(folder / "events.jsonl")]
    assert events == [(None, "run_start"), ("a", "step_start"), ("a", "step_complete"),
                      ("save", "step_start"), ("save", "step_complete"), (None, "run_complete")]
    complete = records(folder / "events.jsonl")[2]["data"]
    assert complete["rows"] == 2 and complete["duration_ms"] >= 0
    assert [(m["step_id"], m["metric"], m["value"]) for m in records(folder / "metrics.jsonl")] == [
        ("a", "rows_read", 2), ("save", "rows_written", 2)]
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["status"] == "ok" and summary["pipeline"] == "orders"
    assert [(s["step_id"], s["rows"], s["status"]) for s in summary["steps"]] == [
        ("a", 2, "ok"), ("save", 2, "ok")]
    assert pd.read_csv(tmp_path / "out.csv")["x"].tolist() == [1, 2]
    assert result.run_dir == folder


def test_python_logging_of_drivers_goes_to_run_log_masked(tmp_path, osiris_registry):
    import logging

    class ChattyExtractorDriver:
        def run(self, step_id, config, inputs, ctx):
            logging.getLogger("chatty").info("connecting with %s", config["resolved_connection"])
            ctx.log_metric("rows_read", 0)
            return {"df": pd.DataFrame()}

    DriverRegistry.register("chatty.extractor", ChattyExtractorDriver())
    run(tmp_path, osiris_registry, """
        steps:
          - {id: a, driver: chatty.extractor, config: {connection: "@pg.main"}}
        """, connections="""
        connections:
          pg: {main: {host: db, password: s3cret}}
        """)
    log_text = (tmp_path / "run" / "run.log").read_text()
    assert "connecting with {'host': 'db', 'password': '***'}" in log_text


class FrameWatcher:
    """Extractor whose frames the test can watch with weak references."""

    def __init__(self, rows):
        self.rows = rows
        self.refs = []

    def run(self, step_id, config, inputs, ctx):
        if inputs:  # a transformer step: a new frame from the input
            df = inputs["df"] + 1
        else:
            df = pd.DataFrame({"v": np.arange(self.rows, dtype="int64")}, copy=False)
        self.refs.append((step_id, weakref.ref(df)))
        ctx.log_metric("rows_read" if inputs is None else "rows_processed", len(df))
        return {"df": df}


def test_outputs_are_dropped_as_soon_as_no_later_step_needs_them(tmp_path, osiris_registry):
    watcher = FrameWatcher(rows=10)
    alive_during_c = {}

    class Spy:
        def run(self, step_id, config, inputs, ctx):
            gc.collect()
            alive_during_c.update({sid: ref() is not None for sid, ref in watcher.refs})
            return {}

    DriverRegistry.register("watch.extractor", lambda: watcher)
    DriverRegistry.register("spy.writer", Spy())
    result = run(tmp_path, osiris_registry, """
        steps:
          - {id: a, driver: watch.extractor}
          - {id: b, driver: watch.extractor, needs: [a]}
          - {id: c, driver: spy.writer, needs: [b]}
    """)
    gc.collect()
    assert result.ok
    assert alive_during_c == {"a": False, "b": True}
    assert all(ref() is None for _, ref in watcher.refs), "a frame outlived the run"


def test_peak_memory_of_a_three_step_chain_stays_near_two_frames(tmp_path, osiris_registry):
    """Each frame is 8 MB; keeping every output would peak at 3 frames (a, b, c)."""
    watcher = FrameWatcher(rows=1_000_000)
    DriverRegistry.register("watch.extractor", lambda: watcher)
    frame_bytes = 8 * 1_000_000
    tracemalloc.start()
    try:
        result = run(tmp_path, osiris_registry, """
            steps:
              - {id: a, driver: watch.extractor}
              - {id: b, driver: watch.extractor, needs: [a]}
              - {id: c, driver: watch.extractor, needs: [b]}
        """)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.ok
    print(f"peak {peak / 1e6:.1f} MB for frames of {frame_bytes / 1e6:.1f} MB")
    assert peak < 2.5 * frame_bytes
