"""--osiris-require-cases: which contract cases each driver's tests cover, judged at the
end of the session (the plugin's docstring says how to mark tests and which drivers
must be covered)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .discovery import load_drivers
from .driver import DriverRegistry, check_key
from .errors import OsirisError

# The contract's TESTING REQUIREMENTS, as osiris_case names them.
CASES = ("happy_path", "missing_config", "invalid_input", "connection_failure", "metrics")
CASE_MARKER = "osiris_case"
MISSING = "missing"


def covered(marker: pytest.Mark, nodeid: str) -> tuple[str, str]:
    """The (driver, case) an osiris_case marker names; UsageError when it is malformed."""
    if len(marker.args) == 1 and marker.args[0] not in CASES:
        raise pytest.UsageError(f"{nodeid}: unknown {CASE_MARKER} case {marker.args[0]!r}; "
                                f"the cases are: {', '.join(CASES)}.")
    if len(marker.args) != 1 or set(marker.kwargs) != {"driver"}:
        raise pytest.UsageError(
            f'{nodeid}: {CASE_MARKER} takes one case and driver=: @pytest.mark.{CASE_MARKER}(case, '
            f'driver="family.type"), the case one of: {", ".join(CASES)}.')
    case, driver = marker.args[0], marker.kwargs["driver"]
    try:
        check_key(driver)
    except OsirisError as error:
        raise pytest.UsageError(f"{nodeid}: {CASE_MARKER} driver=: {error}") from None
    return driver, case


class CaseCoverage:
    """--osiris-require-cases: what each marked test proved, judged at the session's end."""

    def __init__(self, drivers_paths: list[str | Path]) -> None:
        self._paths = drivers_paths
        self._tests: dict[str, tuple[str | None, list[tuple[str, str]]]] = {}  # by node id
        self._problems: list[str] = []  # driver modules that could not be imported
        self._table: list[tuple[str, list[str]]] | None = None  # set at the end

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        covered = [tuple(value) for name, value in report.user_properties if name == CASE_MARKER]
        if covered:
            status, _ = self._tests.get(report.nodeid, (None, []))
            self._tests[report.nodeid] = (_worst(status, _phase_status(report)), covered)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED,
                              pytest.ExitCode.NO_TESTS_COLLECTED):
            return  # interrupted or a usage error: nothing to judge
        cells: dict[tuple[str, str], str] = {}
        for status, covered in self._tests.values():
            for pair in covered:
                cells[pair] = _strongest(cells.get(pair), status or MISSING)
        drivers = {driver for driver, _ in cells} | self._registered()
        self._table = [(driver, [cells.get((driver, case), MISSING) for case in CASES])
                       for driver in sorted(drivers)]
        if self._problems or self._lacking():
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self._table is None:
            return
        write = terminalreporter.write_line
        terminalreporter.write_sep("=", "osiris driver contract: test cases")
        for problem in self._problems:
            write(problem, red=True)
        if not self._table:
            write(f"No driver to cover: mark tests with @pytest.mark.{CASE_MARKER}(...) or "
                  f"name the drivers with --osiris-drivers PATH.", yellow=True)
            return
        rows = [("driver", *CASES), *((driver, *row) for driver, row in self._table)]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
                  .rstrip())
        lacking = self._lacking()
        if lacking:
            write(f"{len(lacking)} driver(s) lack a passing test for a case: "
                  f"{', '.join(lacking)}", red=True, bold=True)
        else:
            write(f"{len(self._table)} driver(s): a passing test for every case.", green=True)

    def _lacking(self) -> list[str]:
        return [driver for driver, row in self._table or () if set(row) != {"passed"}]

    def _registered(self) -> set[str]:
        """The keys the modules under the drivers paths register at import."""
        with DriverRegistry.isolated() as registry:
            for path in self._paths:
                try:
                    loaded = load_drivers(path)
                except OsirisError as error:
                    self._problems.append(str(error))
                    continue
                self._problems += [failure.describe() for failure in loaded.failures]
            return set(registry.keys())


# A test's status from its phases: the worst wins (a failing teardown fails a pass).
_PHASE_RANK = {"failed": 0, "skipped": 1, "passed": 2}
# A case's status from its tests: any failure shows, else one pass is enough.
_CASE_RANK = {"failed": 0, "passed": 1, "skipped": 2, MISSING: 3}


def _phase_status(report: pytest.TestReport) -> str | None:
    """xfail counts as skipped: a test expected to fail proves nothing."""
    if report.failed:
        return "failed"
    if report.skipped or hasattr(report, "wasxfail"):
        return "skipped"
    return "passed" if report.when == "call" else None


def _worst(status: str | None, phase: str | None) -> str | None:
    return min((s for s in (status, phase) if s), key=_PHASE_RANK.__getitem__, default=None)


def _strongest(status: str | None, test: str) -> str:
    return min((s for s in (status, test) if s), key=_CASE_RANK.__getitem__)
