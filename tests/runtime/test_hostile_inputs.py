"""Inputs built to hurt: masking stays linear on adversarial text, the validator stays
iterative on long chains, and no byte string makes the pipeline loader raise anything
but a clear problem list."""

import os
import subprocess
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from osiris_driver_kit.runtime.driver import Registry
from osiris_driver_kit.runtime.errors import OsirisError
from osiris_driver_kit.runtime.masking import SecretMasker
from osiris_driver_kit.runtime.pipeline import parse_pipeline, read_pipeline
from osiris_driver_kit.runtime.planning import plan_run

MEGABYTE = 1_000_000
SECONDS_PER_BYTE = 2e-6  # ~10x what the slowest pattern takes here; quadratic is 1000x more
MASKER = SecretMasker({"hunter22", "pa\\ss\"word", "aaaa"}, protected={"postgres.extractor"})
ADVERSARIAL = ["://", "://a", "a" * 7 + "@", "password=", "'password': '", "\\'", "'",
               ":" * 3, "hunter22", "postgres.extractor ", "x" * 50, "\\\\\\'"]


def assert_linear(text: str) -> None:
    started = time.perf_counter()
    MASKER.text(text)
    elapsed = time.perf_counter() - started
    assert elapsed < max(len(text), 1) * SECONDS_PER_BYTE + 0.05, (len(text), elapsed)


def test_masking_is_linear_on_adversarial_text():
    for unit in ADVERSARIAL:  # 12 patterns, ~4 MB each
        assert_linear(unit * (4 * MEGABYTE // len(unit)))


alphabet = st.sampled_from(list(":/@=;&, '\"\\#?aA0.-_\n") + ["://", "password=", "hunter22"])


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unit=st.lists(alphabet, min_size=1, max_size=12).map("".join))
def test_masking_is_linear_on_any_repeated_text(unit):
    """50 periodic texts of 1 MB (periodic text is where backtracking blows up)."""
    assert_linear(unit * (MEGABYTE // len(unit)))


def test_a_chain_of_100000_steps_validates_without_recursion():
    steps = [{"id": f"s{i}", "driver": "chain.extractor", **({"needs": [f"s{i + 1}"]}
                                                             if i < 99_999 else {})}
             for i in range(100_000)]
    registry = Registry()
    registry.register("chain.extractor", lambda: None)
    started = time.perf_counter()
    pipeline = parse_pipeline({"steps": steps}, Path("chain.yaml"))
    plan = plan_run(pipeline, registry, None, {})
    assert time.perf_counter() - started < 60
    assert [p.step.id for p in plan.steps[:2]] == ["s99999", "s99998"]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400) | st.lists(st.sampled_from(
    list("steps:-{}[]&*!|>'\"\n idrvcofgn.$") + ["driver: ", "needs: [", "id: ", "${X}"]),
    max_size=120).map(lambda tokens: "".join(tokens).encode()))
def test_any_bytes_give_a_pipeline_or_a_clear_problem_list(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "pipeline.yaml"
    path.write_bytes(data)
    registry = Registry()
    registry.register("csv.extractor", lambda: None)
    try:
        plan_run(read_pipeline(path), registry, None, {})
    except OsirisError as error:
        assert str(error).strip()


OSIRIS_RUN = Path(sys.executable).with_name("osiris-run")


@settings(max_examples=8, deadline=None)
@given(st.binary(min_size=1, max_size=200))
def test_osiris_run_answers_any_file_with_exit_2_and_no_traceback(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("cli")
    (folder / "pipeline.yaml").write_bytes(data)
    ran = subprocess.run([str(OSIRIS_RUN), "pipeline.yaml"], cwd=folder, capture_output=True,
                         text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=60)
    assert ran.returncode in (0, 1, 2) and "Traceback" not in ran.stderr, ran.stderr
    assert ran.returncode == 0 or ran.stderr.strip()
