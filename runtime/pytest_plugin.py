"""pytest plugin (entry point ``pytest11``): fixtures for testing drivers."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pytest

from . import osiris_fallback
from .context import RecordingContext
from .driver import DriverRegistry, Registry

if TYPE_CHECKING:
    from .check import DriverReport


def pytest_configure(config: pytest.Config) -> None:
    """Tests import contract-style drivers directly: give them ``osiris.core.driver``
    where osiris-pipeline does not."""
    osiris_fallback.install()


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


@pytest.fixture
def assert_driver_contract(tmp_path) -> Callable[..., DriverReport]:
    """``assert_driver_contract(driver, config, inputs=None)`` runs the checks of
    ``osiris-run check`` on ``driver`` and fails the test with the list of breaches.

    ``inputs`` is ``{"df": frame}`` for writers and transformers, None for extractors.
    Keywords: ``key`` (the registry key, when the class name does not tell the
    category), ``failing`` (config overrides that make run fail, for OSD024),
    ``other_config``/``empty_config`` (extractors: overrides for a run with other
    rows / no rows) and ``secrets`` (values that must never appear). ``{tmp}`` in a
    config string becomes a fresh folder under the test's ``tmp_path``. Returns the
    driver's report, whose skipped rules say what could not be verified."""
    calls = itertools.count(1)

    def check(driver: Any, config: Mapping[str, Any], inputs: Mapping[str, Any] | None = None, *,
              key: str | None = None, failing: Mapping[str, Any] | None = None,
              other_config: Mapping[str, Any] | None = None,
              empty_config: Mapping[str, Any] | None = None,
              secrets: Iterable[str] = ()) -> DriverReport:
        # Imported here: the check needs pandas, and every pytest session of a project
        # with the kit installed loads this plugin.
        from .check import DriverUnderCheck, Scenario, check_driver

        if inputs is not None and "df" not in inputs:
            raise ValueError("assert_driver_contract: inputs must be {'df': DataFrame} (writers, "
                             "transformers) or None (extractors)")
        scenario = Scenario(dict(config), "assert_driver_contract",
                            None if inputs is None else inputs["df"],
                            *(None if o is None else dict(o)
                              for o in (other_config, empty_config, failing)),
                            extra_secrets=frozenset(secrets))
        report = check_driver(DriverUnderCheck.instance(driver, key), scenario,
                              tmp_path / f"osiris_check_{next(calls)}")
        if report.findings:
            breaches = "\n".join(f"  - {finding.describe()}" for finding in report.findings)
            pytest.fail(f"{report.name} breaches the driver contract:\n{breaches}", pytrace=False)
        return report

    return check
