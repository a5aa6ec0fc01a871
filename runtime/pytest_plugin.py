"""pytest plugin (entry point ``pytest11``): fixtures for testing drivers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .driver import DriverRegistry, Registry


@pytest.fixture
def osiris_registry() -> Iterator[Registry]:
    """A fresh, empty driver registry for the test; ``DriverRegistry.register``
    calls made during the test (imports included) land in it and vanish after."""
    with DriverRegistry.isolated() as registry:
        yield registry
