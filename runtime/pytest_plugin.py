"""pytest plugin (entry point ``pytest11``): fixtures for testing drivers, and the
contract's test coverage.

Coverage: the contract wants every driver tested for five cases. Mark each test with
the case it covers and the registry key of its driver::

    @pytest.mark.osiris_case("connection_failure", driver="postgres.extractor")

(stack markers for a test that covers several cases). An unknown case, or a missing
or malformed ``driver=``, is a usage error (exit 4) naming the valid values.

``--osiris-require-cases`` (or ``osiris_require_cases = true`` in the ini file) then
makes the session fail (exit 1), after a table driver x case, when a driver lacks a
passing test for a case. A case is *passed* when a test marked with it passed and
none failed; *failed*, *skipped* (skips and xfails alike: a hidden test covers
nothing) or *missing* otherwise. The drivers that must be covered are:

- every driver named by a marker of a test that ran (deselected tests name none);
- every driver registered at import by the modules under ``--osiris-drivers PATH``
  (repeatable; a folder, file or dotted package, as ``osiris-run --drivers`` takes)
  or the ini's ``osiris_drivers`` (paths relative to the ini file), so that a driver
  without any test is reported too. osiris-pipeline drivers register nothing at import:
  they are covered through the keys their tests' markers name.

The drivers path is a separate option, not a value of ``--osiris-require-cases``, so
that ``pytest --osiris-require-cases tests`` never takes ``tests`` for a drivers path.
The table judges the tests that ran: ``-k`` or a single file leaves cases missing.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pytest

from . import osiris_fallback
from .case_coverage import CASE_MARKER, CASES, CaseCoverage, covered
from .context import RecordingContext
from .driver import DriverRegistry, Registry

if TYPE_CHECKING:
    from .check import DriverReport


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("osiris", "Osiris driver contract")
    group.addoption(
        "--osiris-require-cases", action="store_true", default=False,
        help=f"Fail the session, with a table driver x case, when a driver lacks a passing "
             f"test marked osiris_case for one of: {', '.join(CASES)}.")
    group.addoption(
        "--osiris-drivers", action="append", default=[], metavar="PATH",
        help="A drivers folder, file or dotted package: the drivers its modules register "
             "must be covered too (repeatable).")
    parser.addini("osiris_require_cases", type="bool", default=False,
                  help="Always act as with --osiris-require-cases.")
    parser.addini("osiris_drivers", type="paths", default=[],
                  help="As --osiris-drivers, relative to the ini file.")


def pytest_configure(config: pytest.Config) -> None:
    """Tests import contract-style drivers directly: give them ``osiris.core.driver``
    where osiris-pipeline does not. Declare the marker, for --strict-markers."""
    osiris_fallback.install()
    config.addinivalue_line(
        "markers", f"{CASE_MARKER}(case, driver): the contract case this test covers "
                   f"({', '.join(CASES)}) for the driver registered as `driver`.")
    required = config.getoption("osiris_require_cases") or config.getini("osiris_require_cases")
    # Under pytest-xdist the controller sees every report; its workers judge nothing.
    if required and not hasattr(config, "workerinput"):
        paths = [*config.getini("osiris_drivers"), *config.getoption("osiris_drivers")]
        config.pluginmanager.register(CaseCoverage(paths), "osiris-case-coverage")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Check every osiris_case marker (before -k or -m deselect anything), and carry
    its (driver, case) on the test's reports, where --osiris-require-cases reads it."""
    for item in items:
        for marker in item.iter_markers(CASE_MARKER):
            item.user_properties.append((CASE_MARKER, covered(marker, item.nodeid)))


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
    config string becomes a fresh folder under the test's ``tmp_path``. The driver writes
    and reads where ``config`` says (no scratch storage: the test owns its tables). Returns the
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
                            extra_secrets=frozenset(secrets), scratch=False)
        report = check_driver(DriverUnderCheck.instance(driver, key), scenario,
                              tmp_path / f"osiris_check_{next(calls)}")
        if report.findings:
            breaches = "\n".join(f"  - {finding.describe()}" for finding in report.findings)
            pytest.fail(f"{report.name} breaches the driver contract:\n{breaches}", pytrace=False)
        return report

    return check
