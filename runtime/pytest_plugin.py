"""pytest plugin (entry point ``pytest11``): fixtures for testing drivers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .context import RecordingContext
from .driver import DriverRegistry, Registry


@pytest.fixture
def osiris_registry() -> Iterator[Registry]:
    """A fresh, empty driver registry for the test; ``DriverRegistry.register``
    calls made during the test (imports included) land in it and vanish after."""
    with DriverRegistry.isolated() as registry:
        yield registry


@pytest.fixture
def osiris_ctx(tmp_path) -> RecordingContext:
    """A recording ``ctx``: pass it to ``driver.run`` and assert on
    ``osiris_ctx.metric_values("rows_read")`` or ``osiris_ctx.events_named("step_failed")``.
    Its ``output_dir`` is inside the test's ``tmp_path``."""
    return RecordingContext(tmp_path / "osiris_output")
