"""The pipeline file: its model, and every structural check that can be made
before anything runs (types, ids, ``needs``, cycles). Checks that need the
registry or the connections are in ``planning``.

    name: orders                    # optional, defaults to the file name
    steps:
      - id: extract
        driver: sqlite.extractor
        config: {connection: "@sqlite.local", query: "SELECT * FROM orders"}
      - id: load
        driver: csv.writer
        needs: [extract]
        config: {path: out/orders.csv}
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..contract.targets import input_key
from .errors import OsirisError

PIPELINE_KEYS = {"name", "description", "version", "steps"}
STEP_KEYS = {"id", "driver", "config", "needs", "description"}
RESERVED_STEP_IDS = {"df"}  # would collide with the contract's inputs["df"]


class PipelineError(OsirisError):
    """The pipeline cannot run; ``problems`` lists every reason, each with its fix."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Step:
    id: str
    driver: str
    config: dict[str, Any] = field(default_factory=dict)
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pipeline:
    name: str
    source: Path
    steps: tuple[Step, ...]

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)

    def execution_order(self) -> list[Step]:
        """Dependency order; among ready steps, the file's order. Assumes no cycle."""
        done: set[str] = set()
        order: list[Step] = []
        while len(order) < len(self.steps):
            ready = next(s for s in self.steps if s.id not in done and set(s.needs) <= done)
            order.append(ready)
            done.add(ready.id)
        return order


def load_pipeline(path: Path) -> Pipeline:
    if not path.is_file():
        raise PipelineError([f"{path}: no such pipeline file; pass the path of a pipeline YAML."])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        reason = getattr(exc, "problem", None) or str(exc)
        raise PipelineError([f"{where}: invalid YAML ({reason}); fix the syntax there."]) from exc
    except UnicodeDecodeError as exc:
        raise PipelineError([f"{path}: not UTF-8 text ({exc.reason}); save it as UTF-8."]) from exc
    return parse_pipeline(data, path)


def parse_pipeline(data: Any, source: Path) -> Pipeline:
    problems = _Problems(source)
    if not isinstance(data, Mapping):
        problems.add(None, "the file must be a mapping with a 'steps:' list")
        problems.raise_if_any()
    for key in sorted(set(data) - PIPELINE_KEYS, key=str):
        problems.add(None, f"unknown key {key!r}{_did_you_mean(key, PIPELINE_KEYS)}; "
                           f"allowed: {', '.join(sorted(PIPELINE_KEYS))}")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        problems.add(None, "'steps:' must be a non-empty list of steps (each with id and driver)")
        problems.raise_if_any()
    name = data.get("name", source.stem)
    if not isinstance(name, str) or not name.strip():
        problems.add(None, "'name' must be a non-empty string")
    steps = [s for s in (_parse_step(raw, i, problems) for i, raw in enumerate(raw_steps)) if s]
    _check_ids(steps, problems)
    if not problems:
        _check_cycles(steps, problems)
    problems.raise_if_any()
    return Pipeline(name=str(name), source=source, steps=tuple(steps))


def _parse_step(raw: Any, index: int, problems: _Problems) -> Step | None:
    label = f"step #{index + 1}"
    if not isinstance(raw, Mapping):
        problems.add(label, "must be a mapping with 'id' and 'driver'")
        return None
    step_id = raw.get("id")
    if isinstance(step_id, str) and step_id.strip():
        label = f"step {step_id!r}"
    else:
        problems.add(label, "needs an 'id' that is a non-empty string (quote numbers: id: \"1\")")
        step_id = None
    for key in sorted(set(raw) - STEP_KEYS, key=str):
        problems.add(label, f"unknown key {key!r}{_did_you_mean(key, STEP_KEYS)}; "
                            f"allowed: {', '.join(sorted(STEP_KEYS))}")
    driver = raw.get("driver")
    if not isinstance(driver, str) or not driver:
        problems.add(label, "needs 'driver:' naming a registered driver, e.g. driver: csv.writer")
    config = raw.get("config", {})
    if config is None:
        config = {}
    if not isinstance(config, Mapping):
        problems.add(label, f"'config' must be a mapping, not {type(config).__name__}")
    needs = raw.get("needs", [])
    if isinstance(needs, str):
        problems.add(label, f"'needs' must be a list: needs: [{needs}]")
    elif not isinstance(needs, list) or not all(isinstance(n, str) for n in needs):
        problems.add(label, "'needs' must be a list of step ids")
    if step_id is None or not isinstance(driver, str) or not isinstance(config, Mapping) \
            or not isinstance(needs, list):
        return None
    return Step(id=step_id, driver=driver, config=dict(config), needs=tuple(needs))


def _check_ids(steps: list[Step], problems: _Problems) -> None:
    ids = [s.id for s in steps]
    for step in steps:
        if step.id in RESERVED_STEP_IDS:
            problems.add(f"step {step.id!r}", "the id 'df' is reserved for inputs['df']; rename it")
    for step_id in sorted({i for i in ids if ids.count(i) > 1}):
        problems.add(f"step {step_id!r}", f"the id is used by {ids.count(step_id)} steps; "
                                          f"give each step its own id")
    by_input_key: dict[str, set[str]] = {}
    for step in steps:
        by_input_key.setdefault(input_key(step.id), set()).add(step.id)
    for key, clashing in sorted(by_input_key.items()):
        if len(clashing) > 1:
            problems.add(f"step {sorted(clashing)[0]!r}",
                         f"ids {', '.join(map(repr, sorted(clashing)))} all reach downstream steps "
                         f"as inputs[{key!r}]; rename one of them")
    for step in steps:
        for need in step.needs:
            if need == step.id:
                problems.add(f"step {step.id!r}", "needs itself; remove it from 'needs'")
            elif need not in ids:
                problems.add(f"step {step.id!r}",
                             f"needs {need!r}, which is not a step id{_did_you_mean(need, ids)}")


def _check_cycles(steps: list[Step], problems: _Problems) -> None:
    needs = {s.id: s.needs for s in steps}
    state: dict[str, str] = {}

    def visit(step_id: str, trail: list[str]) -> list[str] | None:
        state[step_id] = "open"
        for need in needs[step_id]:
            if state.get(need) == "open":  # open steps are exactly the trail
                return trail[trail.index(need):] + [need]
            if need not in state and (cycle := visit(need, trail + [need])):
                return cycle
        state[step_id] = "done"
        return None

    for step in steps:
        if step.id not in state and (cycle := visit(step.id, [step.id])):
            problems.add(f"step {cycle[0]!r}",
                         f"the steps form a cycle ({' needs '.join(cycle)}); "
                         f"remove one of these 'needs' entries")
            return


def _did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Problems(list):
    """Collects every problem so the user fixes them all in one go."""

    def __init__(self, source: Path) -> None:
        super().__init__()
        self.source = source

    def add(self, where: str | None, message: str) -> None:
        prefix = f"{self.source}: {where}: " if where else f"{self.source}: "
        self.append(prefix + message + ("" if message.endswith(".") else "."))

    def raise_if_any(self) -> None:
        if self:
            raise PipelineError(list(self))


def slug(text: str) -> str:
    """A file-name-safe form of a step id or pipeline name."""
    return re.sub(r"[^0-9A-Za-z_.-]+", "_", text).strip("._") or "_"
