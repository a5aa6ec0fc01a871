"""The runs the check makes of one driver, in a fixed order, and what they showed.

On the shared instance, as the runner would call it: the scenario run; a second
run with other data (other input rows, or ``other_config`` for extractors); a
run with no rows; one run per config key with that key left out; writers and
transformers without inputs; the failing scenario; drivers that connect to a
server, against one that never answers; extractors with write statements on a
copy of their embedded database. Two runs on fresh copies of
the driver give the reference for the second run. The rules judge the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ...contract.targets import Target
from ..inputs import build_inputs
from .connects import EMBEDDED
from .databases import EmbeddedDatabase, write_probes
from .fresh import FreshDriverUnavailable, fresh_driver
from .observe import Run, observe_run
from .reachability import HeldFrame, held_frames
from .scenario import Scenario
from .silent_server import (
    NETWORK_CLIENTS,
    SILENT_RUN,
    SilentServer,
    bounded,
    silent_config,
)
from .subject import DriverUnderCheck

QUERY_KEYS = ("query", "sql")


@dataclass(frozen=True)
class Probe:
    """An extractor run with a write statement in place of its query."""

    statement: str
    run: Run
    rows_before: dict[str, int]  # row count per table of the database copy it was given
    rows_after: dict[str, int]


@dataclass
class Observations:
    subject: DriverUnderCheck
    scenario: Scenario
    scenario_run: Run
    other_run: Run | None = None
    empty_run: Run | None = None
    fresh_runs: list[Run] = field(default_factory=list)  # the second run's data, fresh driver
    fresh_unavailable: str | None = None
    missing_key_runs: list[tuple[str, Run]] = field(default_factory=list)
    without_input_runs: list[Run] = field(default_factory=list)
    failing_run: Run | None = None
    silent_run: Run | None = None  # against a server that never answers (networked drivers)
    silent_run_hung: bool = False  # still waiting when the check gave up on it
    probes: list[Probe] = field(default_factory=list)
    probes_unavailable: str | None = None
    new_frames: list[HeldFrame] = field(default_factory=list)  # held after the runs, not before

    @property
    def category(self) -> str | None:
        return self.subject.category

    def result_runs(self) -> list[Run]:
        """The successful runs whose result and metrics follow from their data."""
        return [r for r in (self.scenario_run, self.other_run, self.empty_run) if r and r.ok]

    def runs(self) -> list[Run]:
        """Every run made."""
        optional = [self.other_run, self.empty_run, self.failing_run, self.silent_run]
        return [self.scenario_run, *[r for r in optional if r], *self.fresh_runs,
                *[r for _, r in self.missing_key_runs], *self.without_input_runs,
                *[p.run for p in self.probes]]


def observe_driver(subject: DriverUnderCheck, scenario: Scenario, folder: Path) -> Observations:
    before = held_frames(subject.shared, subject.cls)
    runs = _Runs(subject, folder)
    extractor = subject.category == "extractor"
    observations = Observations(subject, scenario, runs.call(
        "the scenario run", scenario.merged(None), runs.inputs(scenario.input)))
    if not observations.scenario_run.ok:
        return observations
    other_config, other_inputs = scenario.merged(scenario.other_config), scenario.other_input()
    observations.other_run = runs.call(
        _other_label(scenario, extractor), other_config, runs.inputs(other_inputs))
    if scenario.empty_config is not None or scenario.input is not None:
        observations.empty_run = runs.call("a run with no rows", scenario.merged(
            scenario.empty_config), runs.inputs(scenario.empty_input()))
    _fresh_runs(observations, runs, other_config, other_inputs)
    for key in scenario.config:
        config = scenario.merged(None)
        del config[key]
        observations.missing_key_runs.append(
            (key, runs.call(f"a run without config key {key!r}", config, runs.inputs(scenario.input))))
    if not extractor:
        frame_key = "'df'" if subject.runtime is Target.CONTRACT else "'df_<step id>'"
        observations.without_input_runs = [
            runs.call("a run with inputs=None", scenario.merged(None), None),
            runs.call(f"a run with inputs={{}} (no {frame_key})", scenario.merged(None), {})]
    if scenario.failing is not None:
        observations.failing_run = runs.call(
            "the failing run", scenario.merged(scenario.failing), runs.inputs(scenario.input))
    if any(call.client in NETWORK_CLIENTS for call in observations.scenario_run.connects):
        _silent_server_run(observations, runs)
    if extractor:
        _probe(observations, runs, folder)
    observations.new_frames = [held for held in held_frames(subject.shared, subject.cls)
                               if not any(held.frame is old.frame for old in before)]
    return observations


class _Runs:
    def __init__(self, subject: DriverUnderCheck, folder: Path) -> None:
        self.subject, self.folder, self.count = subject, folder, 0

    def call(self, label: str, config: dict[str, Any], inputs: Any, driver: Any = None,
             redirect: dict[Path, Path] | None = None) -> Run:
        self.count += 1
        return observe_run(driver if driver is not None else self.subject.make(), label,
                           f"check_{self.count}", config, inputs, self.folder / "steps", redirect,
                           self.subject.runtime)

    def inputs(self, frame: pd.DataFrame | None) -> dict[str, Any] | None:
        """What the driver's runner passes for one upstream step that returned ``frame``."""
        return None if frame is None else build_inputs(
            ("upstream",), {"upstream": {"df": frame.copy()}}, self.subject.runtime)


def _other_label(scenario: Scenario, extractor: bool) -> str:
    if extractor:
        return "a second run with other_config" if scenario.other_config else "a second run"
    rows = len(scenario.other_input()) if scenario.input is not None else 0
    return f"a second run with other input ({rows} rows)"


def _fresh_runs(observations: Observations, runs: _Runs, config: dict[str, Any],
                frame: pd.DataFrame | None) -> None:
    subject = observations.subject
    try:
        for attempt in (1, 2):
            driver = fresh_driver(subject.cls, subject.key)
            observations.fresh_runs.append(runs.call(
                f"the second run on fresh driver copy {attempt}", dict(config),
                runs.inputs(frame), driver=driver))
    except FreshDriverUnavailable as reason:
        observations.fresh_unavailable = str(reason)


def _silent_server_run(observations: Observations, runs: _Runs) -> None:
    scenario = observations.scenario
    with SilentServer() as server:
        config = silent_config(scenario.merged(None), server.port)
        if config is None:
            return
        observations.silent_run, finished = bounded(
            lambda: runs.call(SILENT_RUN, config, runs.inputs(scenario.input)),
            server.close)
        observations.silent_run_hung = not finished


def _probe(observations: Observations, runs: _Runs, folder: Path) -> None:
    scenario = observations.scenario
    query_key = next((k for k in QUERY_KEYS if isinstance(scenario.config.get(k), str)), None)
    databases = [EmbeddedDatabase(c.client, c.database) for c in observations.scenario_run.connects
                 if c.client in EMBEDDED and c.database is not None and c.database.is_file()]
    if query_key is None:
        observations.probes_unavailable = "its config has no 'query' or 'sql' to put a write statement in"
        return
    if not databases:
        observations.probes_unavailable = ("the scenario run opened no sqlite or duckdb database file "
                                           "to try a write statement on")
        return
    database = databases[0]
    scratch = folder / "probes"
    scratch.mkdir(parents=True, exist_ok=True)
    statements = [s for n, s in enumerate(write_probes(database))
                  if database.changed_by(s, scratch / f"proof_{n}{database.path.suffix}")]
    if not statements:
        observations.probes_unavailable = "its database has no table with rows to try a write on"
    for n, statement in enumerate(statements):
        copy = database.copy_to(scratch / f"given_{n}{database.path.suffix}")
        before = copy.row_counts()
        run = runs.call(f"a run with {query_key} {statement!r}", scenario.merged({query_key: statement}),
                        None, redirect={database.path.resolve(): copy.path})
        observations.probes.append(Probe(statement, run, before, copy.row_counts()))
