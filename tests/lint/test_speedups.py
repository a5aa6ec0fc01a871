"""linter/speedups/ changes nothing but speed: with the tricks off
(OSIRIS_LINT_NO_SPEEDUPS=1: LibCST's node validation on, positions from its
PositionProvider, dataclasses compiled as usual) the corpus gets the same findings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from osiris_driver_kit.linter import speedups

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def lint(*, speedups_off: bool) -> list[dict]:
    environment = {**os.environ, "NO_COLOR": "1"}
    if speedups_off:
        environment["OSIRIS_LINT_NO_SPEEDUPS"] = "1"
    done = subprocess.run([sys.executable, "-m", "osiris_driver_kit.linter", "--no-cache",
                           "--output-format", "json", "."], cwd=CORPUS, capture_output=True,
                          text=True, env=environment, timeout=600)
    assert done.returncode == 1, done.stderr
    return json.loads(done.stdout)


def test_the_corpus_gets_the_same_findings_with_the_speedups_off():
    assert speedups.libcst_tricks(), "the tested versions run here: the comparison needs both"
    assert lint(speedups_off=True) == lint(speedups_off=False)


@pytest.mark.parametrize("running, active", [((1, 9), True), ((1, 10), False), ((2, 0), False),
                                             ((1, 0), False)])
def test_only_the_tested_libcst_versions_get_the_speedups(running, active):
    assert speedups._tested(running, speedups.TESTED_LIBCST) is active
