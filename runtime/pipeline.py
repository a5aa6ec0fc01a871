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
import hashlib
import heapq
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..contract.targets import input_key
from .errors import OsirisError
from .yamlfile import InputFileError, load_yaml_file

PIPELINE_KEYS = {"name", "description", "version", "steps"}
STEP_KEYS = {"id", "driver", "config", "needs", "description", "timeout"}
MAX_SLUG = 80  # run folder names stay far below the file system's 255 bytes
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
    timeout: float | None = None  # seconds; None: the run's default


@dataclass(frozen=True)
class Pipeline:
    name: str
    source: Path
    steps: tuple[Step, ...]
    problems: tuple[str, ...] = ()  # found in the file; reported with the run's other checks

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)

    def execution_order(self) -> list[Step]:
        """Dependency order; among ready steps, the file's order. Steps on or behind a
        cycle (a problem already) follow in the file's order, so they can still be checked."""
        index = {step.id: i for i, step in enumerate(self.steps)}
        waiting = {step.id: sum(need in index for need in set(step.needs)) for step in self.steps}
        users: dict[str, list[str]] = {}
        for step in self.steps:
            for need in set(step.needs):
                users.setdefault(need, []).append(step.id)
        ready = [index[s.id] for s in self.steps if not waiting[s.id]]
        heapq.heapify(ready)
        order: list[Step] = []
        while ready:
            step = self.steps[heapq.heappop(ready)]
            order.append(step)
            for user in users.get(step.id, ()):
                waiting[user] -= 1
                if not waiting[user]:
                    heapq.heappush(ready, index[user])
        placed = {step.id for step in order}
        return order + [step for step in self.steps if step.id not in placed]


def load_pipeline(path: Path) -> Pipeline:
    """The pipeline in ``path``; PipelineError with every problem the file has."""
    pipeline = read_pipeline(path)
    if pipeline.problems:
        raise PipelineError(list(pipeline.problems))
    return pipeline


def read_pipeline(path: Path) -> Pipeline:
    """The pipeline in ``path`` with its problems, for the run's validation to report
    together with its own; PipelineError when the file gives no pipeline at all."""
    if not path.is_file():
        raise PipelineError([f"{path}: no such pipeline file; pass the path of a pipeline YAML."])
    try:
        data = load_yaml_file(path, "pipeline file")
    except InputFileError as exc:
        raise PipelineError([str(exc)]) from None
    return parse_pipeline(data, path)


def parse_pipeline(data: Any, source: Path) -> Pipeline:
    problems = _Problems(source)
    if not isinstance(data, Mapping):
        problems.add(None, "the file must be a mapping with a 'steps:' list")
        problems.raise_if_any()
    for key in sorted(set(data) - PIPELINE_KEYS, key=str):
        problems.add(None, f"unknown key {key!r}{did_you_mean(key, PIPELINE_KEYS)}; "
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
    _check_cycles(steps, problems)
    return Pipeline(name=str(name), source=source, steps=tuple(steps), problems=tuple(problems))


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
        problems.add(label, f"unknown key {key!r}{did_you_mean(key, STEP_KEYS)}; "
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
    timeout = raw.get("timeout")
    if timeout is not None and not _is_duration(timeout):
        problems.add(label, f"'timeout' must be a number of seconds above 0, not {timeout!r}")
    if step_id is None or not isinstance(driver, str) or not isinstance(config, Mapping) \
            or not isinstance(needs, list):
        return None
    return Step(id=step_id, driver=driver, config=dict(config), needs=tuple(needs),
                timeout=float(timeout) if _is_duration(timeout) else None)


def _is_duration(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and value > 0)


def _check_ids(steps: list[Step], problems: _Problems) -> None:
    counts = Counter(s.id for s in steps)
    for step in steps:
        if step.id in RESERVED_STEP_IDS:
            problems.add(f"step {step.id!r}", "the id 'df' is reserved for inputs['df']; rename it")
    for step_id in sorted(i for i, n in counts.items() if n > 1):
        problems.add(f"step {step_id!r}", f"the id is used by {counts[step_id]} steps; "
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
            elif need not in counts:
                problems.add(f"step {step.id!r}",
                             f"needs {need!r}, which is not a step id{did_you_mean(need, counts)}")


def _check_cycles(steps: list[Step], problems: _Problems) -> None:
    """Report one cycle, with its path. Iterative: a chain of 100,000 steps is fine."""
    needs = {s.id: [n for n in s.needs if n != s.id] for s in steps}
    state: dict[str, str] = {}
    for root in needs:
        if root in state:
            continue
        trail, stack = [root], [iter(needs[root])]
        state[root] = "open"
        while stack:
            need = next(stack[-1], None)
            if need is None:
                state[trail.pop()] = "done"
                stack.pop()
            elif state.get(need) == "open":  # open steps are exactly the trail
                cycle = trail[trail.index(need):] + [need]
                problems.add(f"step {cycle[0]!r}",
                             f"the steps form a cycle ({' needs '.join(cycle)}); "
                             f"remove one of these 'needs' entries")
                return
            elif need not in state and need in needs:
                state[need] = "open"
                trail.append(need)
                stack.append(iter(needs[need]))


def did_you_mean(word: str, choices) -> str:
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
    """A file-name-safe form of a step id or pipeline name, at most ``MAX_SLUG``
    characters: a longer one keeps its start and a hash of the whole."""
    safe = re.sub(r"[^0-9A-Za-z_.-]+", "_", text).strip("._") or "_"
    if len(safe) <= MAX_SLUG:
        return safe
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{safe[:MAX_SLUG - 11]}-{digest}"
