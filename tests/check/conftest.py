"""Checking a driver folder imports its modules under their file names; each test
forgets the driver modules it imported and the sys.path entries it added, so
that same-named modules of different folders never meet. (Libraries imported on
the way stay: a C extension such as duckdb cannot be imported twice.)"""

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.fixture(autouse=True)
def restored_imports():
    saved_path, saved_modules = list(sys.path), set(sys.modules)
    yield
    sys.path[:] = saved_path
    for name in set(sys.modules) - saved_modules:
        if HERE in Path(getattr(sys.modules[name], "__file__", None) or "/").parents:
            del sys.modules[name]
