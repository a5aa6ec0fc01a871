"""The fuzz budget: how many generated files (or Hypothesis examples) each property
gets. Small by default so that the suite stays fast; ``--fuzz-budget N`` for longer runs
(the option is registered in tests/conftest.py)."""

import pytest

DEFAULT_BUDGET = 20


@pytest.fixture(scope="session")
def fuzz_budget(request) -> int:
    budget = request.config.getoption("--fuzz-budget")
    if budget is None:
        return DEFAULT_BUDGET
    if budget < 1:
        raise pytest.UsageError("--fuzz-budget must be at least 1")
    return budget
