"""Whatever a driver, a signal or a pipeline file does, osiris-run leaves a complete,
true record (events, metrics, run.log, summary), exits with the code that says how the
run ended, and lets no secret out unmasked."""

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

OSIRIS_RUN = Path(sys.executable).with_name("osiris-run")
HOSTILE = Path(__file__).parent / "hostile" / "hostile_extractor_driver.py"
SECRET = 'pa\\ss"w0rd-7Q'  # a backslash and a quote: escaped in repr() and JSON
CONNECTIONS = """
connections:
  pg:
    main:
      host: db
      password: "${SECRET_PW}"
      dsn: "host=db user=app password=${DSN_PW}"
      pass: literal-pass-9
      auth: literal-auth-9
"""
RECORDS = ("events.jsonl", "metrics.jsonl", "run.log", "summary.json", "pipeline.resolved.yaml")


@pytest.fixture
def project(tmp_path):
    (tmp_path / "drivers").mkdir()
    shutil.copy(HOSTILE, tmp_path / "drivers")
    (tmp_path / "osiris_connections.yaml").write_text(CONNECTIONS)
    return tmp_path


def pipeline(project, *actions, name="hostile", **step_options):
    steps = [{"id": "extract", "driver": "hostile.extractor",
              "config": {"do": actions[0], "connection": "@pg.main"}, **step_options}]
    steps += [{"id": f"then_{i}", "driver": "hostile.extractor", "config": {"do": action}}
              for i, action in enumerate(actions[1:])]
    (project / "pipeline.yaml").write_text(json.dumps({"name": name, "steps": steps}))


def osiris_run(project, *args, env=None, timeout=60):
    return subprocess.run(
        [str(OSIRIS_RUN), "pipeline.yaml", *args], cwd=project, capture_output=True, text=True,
        env={**os.environ, "NO_COLOR": "1", "SECRET_PW": SECRET, "DSN_PW": "dsn-secret-42",
             **(env or {})}, timeout=timeout)


def run_folder(project):
    [run_dir] = (project / ".osiris" / "runs").iterdir()
    return run_dir


def summary(project):
    return json.loads((run_folder(project) / "summary.json").read_text())


def everything_written(project, ran):
    files = "".join(p.read_text() for p in run_folder(project).iterdir() if p.is_file())
    return files + ran.stdout + ran.stderr


def assert_no_secret(text):
    for secret in (SECRET, repr(SECRET)[1:-1], json.dumps(SECRET)[1:-1], "dsn-secret-42",
                   "literal-pass-9", "literal-auth-9"):
        assert secret not in text, f"{secret!r} leaked"


@pytest.mark.parametrize("action, status, code, error_type", [
    ("interrupt", "interrupted", 130, "KeyboardInterrupt"),
    ("exit0", "failed", 1, "SystemExit"),
    ("exit3", "failed", 1, "SystemExit"),
    ("exit-message", "failed", 1, "SystemExit"),
    ("generator-exit", "failed", 1, "GeneratorExit"),
    ("base-exception", "failed", 1, "BaseEnding"),
    ("repr-error", "failed", 1, "ValueError"),
])
def test_every_ending_of_a_driver_is_recorded_with_its_exit_code(project, action, status, code,
                                                                   error_type):
    pipeline(project, action, "ok")
    ran = osiris_run(project)
    assert ran.returncode == code, ran.stdout + ran.stderr
    assert "Traceback" not in ran.stderr
    record = summary(project)
    assert record["status"] == status
    assert [(s["status"], s["error_type"]) for s in record["steps"]] == [
        (status, error_type), ("not run", None)]
    for name in RECORDS:
        assert (run_folder(project) / name).is_file(), name
    events = [json.loads(line) for line in (run_folder(project) / "events.jsonl").open()]
    assert [e["event"] for e in events if e["event"] == "step_failed"] == ["step_failed"]
    assert_no_secret(everything_written(project, ran))


def test_secrets_by_provenance_in_any_form_never_leave_the_process(project):
    pipeline(project, "warn")
    ran = osiris_run(project)
    assert ran.returncode == 0, ran.stderr
    written = everything_written(project, ran)
    assert_no_secret(written)
    assert "fd1 ***" in ran.stdout and "fd2 ***" in ran.stderr and "print ***" in ran.stdout
    assert "postgresql://app:***@db/x" in ran.stderr  # the warning, masked
    resolved = (run_folder(project) / "pipeline.resolved.yaml").read_text()
    assert "host=db user=app password=***" in resolved


def test_masking_spares_the_pipelines_identifiers(project):
    pipeline(project, "repr-error", name="hostile-extractor-run")
    ran = osiris_run(project, env={"SECRET_PW": "hostile"})
    record = summary(project)
    assert record["pipeline"] == "hostile-extractor-run"
    assert record["steps"][0]["driver"] == "hostile.extractor"
    assert "'password': '***'" in record["steps"][0]["error"]
    pipeline(project, "repr-error")
    shutil.rmtree(project / ".osiris")
    osiris_run(project, env={"SECRET_PW": "x"})  # one letter: masked by place only
    record = summary(project)
    assert record["steps"][0]["step_id"] == "extract"
    assert "'password': '***'" in record["steps"][0]["error"]
    assert ran.returncode == 1


def test_a_driver_event_and_the_runners_make_one_step_failed(project):
    pipeline(project, "event-and-fail")
    osiris_run(project)
    events = [json.loads(line) for line in (run_folder(project) / "events.jsonl").open()]
    [failed] = [e for e in events if e["event"] == "step_failed"]
    assert failed["data"]["error"] == "boom" and failed["data"]["error_type"] == "RuntimeError"
    assert failed["data"]["driver_event"]["table"] == "orders"


def test_a_frame_that_is_not_a_frame_fails_the_step(project):
    pipeline(project, "not-a-frame")
    ran = osiris_run(project)
    assert ran.returncode == 1
    assert summary(project)["steps"][0]["error_type"] == "ReturnShapeError"


def test_a_step_past_its_timeout_is_stopped_and_recorded(project):
    pipeline(project, "sleep", "ok", timeout=1)
    config = json.loads((project / "pipeline.yaml").read_text())
    config["steps"][0]["config"]["ready"] = str(project / "ready")
    (project / "pipeline.yaml").write_text(json.dumps(config))
    started = time.monotonic()
    ran = osiris_run(project)
    assert time.monotonic() - started < 30
    assert ran.returncode == 1
    record = summary(project)
    assert [s["status"] for s in record["steps"]] == ["timed out", "not run"]
    assert "within its timeout of 1 s" in record["steps"][0]["error"]


def test_the_pipeline_default_timeout_comes_from_the_command_line(project):
    pipeline(project, "sleep")
    config = json.loads((project / "pipeline.yaml").read_text())
    config["steps"][0]["config"]["ready"] = str(project / "ready")
    (project / "pipeline.yaml").write_text(json.dumps(config))
    ran = osiris_run(project, "--step-timeout", "0.5")
    assert ran.returncode == 1 and summary(project)["steps"][0]["status"] == "timed out"


@pytest.mark.parametrize("sent, code, status", [(signal.SIGINT, 130, "interrupted"),
                                               (signal.SIGTERM, 143, "terminated")])
def test_a_signal_ends_the_run_with_a_record(project, sent, code, status):
    pipeline(project, "sleep", "ok")
    config = json.loads((project / "pipeline.yaml").read_text())
    ready = project / "ready"
    config["steps"][0]["config"]["ready"] = str(ready)
    (project / "pipeline.yaml").write_text(json.dumps(config))
    process = subprocess.Popen([str(OSIRIS_RUN), "pipeline.yaml"], cwd=project, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "SECRET_PW": SECRET, "DSN_PW": "d-42"})
    deadline = time.monotonic() + 30
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(sent)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == code, stderr
    record = summary(project)
    assert record["status"] == status
    assert [s["status"] for s in record["steps"]] == [status, "not run"]
    assert "Traceback" not in stderr


def test_a_thread_a_driver_leaves_behind_does_not_keep_the_process_alive(project):
    pipeline(project, "thread")
    ran = osiris_run(project, timeout=30)
    assert ran.returncode == 0 and "Run succeeded" in ran.stdout


def test_hostile_pipeline_files_fail_fast_with_exit_2(project):
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    cases = {
        "billion laughs": laughs + "steps: [{id: e, driver: hostile.extractor}]\n",
        "self reference": "steps:\n  - id: e\n    driver: hostile.extractor\n"
                          "    config: &c {self: *c}\n",
        "deep nesting": "steps:\n  - id: e\n    driver: hostile.extractor\n    config: {x: "
                        + "[" * 5000 + "]" * 5000 + "}\n",
    }
    for case, text in cases.items():
        (project / "pipeline.yaml").write_text(text)
        started = time.monotonic()
        ran = osiris_run(project)
        assert ran.returncode == 2, (case, ran.stderr)
        assert time.monotonic() - started < 10, case
        assert "Traceback" not in ran.stderr and "nothing was run" in ran.stderr, case


def test_a_long_name_and_a_long_chain_run(project):
    steps = [{"id": f"s{i}", "driver": "hostile.extractor", "config": {"do": "ok"},
              **({"needs": [f"s{i + 1}"]} if i < 999 else {})} for i in range(1000)]
    (project / "pipeline.yaml").write_text(json.dumps({"name": "n" * 300, "steps": steps[-1:]}))
    assert osiris_run(project).returncode == 0
    (project / "pipeline.yaml").write_text(json.dumps({"name": "chain", "steps": steps}))
    ran = osiris_run(project, "--quiet", timeout=120)
    assert ran.returncode == 0, ran.stderr[-2000:]


def test_every_problem_is_reported_at_once_and_variables_expand_in_config(project):
    (project / "pipeline.yaml").write_text(textwrap.dedent("""
        steps:
          - {id: a, driver: hostile.extractor, needs: [b], config: {do: ok}}
          - {id: b, driver: hostile.extractor, needs: [a], config: {do: ok}}
          - {id: c, driver: nowhere.extractor, config: {do: ok}}
          - {id: d, driver: hostile.extractor, config: {connection: "@nope.x", do: ok}}
          - {id: e, driver: hostile.extractor, config: {do: "${UNSET_VAR_X}"}}
        """))
    ran = osiris_run(project)
    assert ran.returncode == 2
    for expected in ("form a cycle", "No driver is registered as 'nowhere.extractor'",
                     "no family 'nope'", "UNSET_VAR_X is not set"):
        assert expected in ran.stderr, expected
    (project / "pipeline.yaml").write_text(
        'steps: [{id: e, driver: hostile.extractor, config: {do: "${ACTION}"}}]\n')
    assert osiris_run(project, env={"ACTION": "ok"}).returncode == 0


def test_a_connections_file_that_is_not_utf8_is_a_clear_error(project):
    (project / "osiris_connections.yaml").write_bytes("connections: {pg: {main: {host: caf\xe9}}}"
                                                      .encode("latin-1"))
    pipeline(project, "ok")
    ran = osiris_run(project)
    assert ran.returncode == 2 and "Traceback" not in ran.stderr
    assert "is not UTF-8" in ran.stderr
