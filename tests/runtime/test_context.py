"""RunContext is the driver's whole API: log_metric, log_event, output_dir.
Records are JSON lines with a timestamp and the step id, secrets masked."""

import json

import numpy as np
import pytest
from osiris_driver_kit.runtime.context import RunContext
from osiris_driver_kit.runtime.masking import SecretMasker
from osiris_driver_kit.runtime.runlog import RunLog


@pytest.fixture
def log(tmp_path):
    return RunLog(tmp_path, SecretMasker({"s3cret"}))


@pytest.fixture
def ctx(log, tmp_path):
    return RunContext("extract", log, tmp_path / "steps" / "extract")


def lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_log_metric_appends_a_json_line_with_timestamp_step_and_tags(ctx, tmp_path):
    ctx.log_metric("rows_read", np.int64(3), unit="rows", tags={"table": "orders"}, shard=1)
    [record] = lines(tmp_path / "metrics.jsonl")
    assert record["ts"].endswith("Z")
    assert {k: v for k, v in record.items() if k != "ts"} == {
        "step_id": "extract", "metric": "rows_read", "value": 3, "unit": "rows",
        "tags": {"table": "orders", "shard": 1}}


def test_log_event_takes_a_payload_dict_and_public_osiris_keyword_fields(ctx, tmp_path):
    ctx.log_event("step_failed", {"step_id": "extract", "error": "boom"})
    ctx.log_event("cache_miss", table="orders")
    first, second = lines(tmp_path / "events.jsonl")
    assert first["event"] == "step_failed" and first["data"] == {"step_id": "extract", "error": "boom"}
    assert second["data"] == {"table": "orders"}


def test_a_payload_that_is_not_a_dict_is_refused(ctx):
    with pytest.raises(TypeError, match="needs a dict payload, got str"):
        ctx.log_event("step_failed", "boom")


def test_secrets_are_masked_in_events_and_metric_tags_on_disk_and_in_memory(ctx, log, tmp_path):
    ctx.log_event("connect", {"url": "postgresql://app:s3cret@db/x", "password": "other"})
    ctx.log_metric("rows_read", 1, dsn="host=db password=s3cret")
    on_disk = (tmp_path / "events.jsonl").read_text() + (tmp_path / "metrics.jsonl").read_text()
    assert "s3cret" not in on_disk and "other" not in on_disk
    assert log.events[0]["data"] == {"url": "postgresql://app:***@db/x", "password": "***"}


def test_output_dir_is_the_steps_own_folder_created_on_first_use(ctx, tmp_path):
    folder = tmp_path / "steps" / "extract"
    assert not folder.exists()
    assert ctx.output_dir == folder and folder.is_dir()


def test_an_in_memory_log_keeps_records_without_a_folder():
    log = RunLog()
    RunContext("t", log, output_dir=None).log_metric("rows_processed", 2)
    assert log.metrics_named("rows_processed")[0]["value"] == 2


def test_the_osiris_ctx_fixture_records_for_assertions(osiris_ctx, tmp_path):
    osiris_ctx.log_metric("rows_read", 5)
    osiris_ctx.log_event("step_failed", {"step_id": "s", "error": "x", "error_type": "ValueError"})
    assert osiris_ctx.metric_values("rows_read") == [5]
    assert osiris_ctx.events_named("step_failed") == [
        {"step_id": "s", "error": "x", "error_type": "ValueError"}]
    assert osiris_ctx.output_dir.parent == tmp_path
