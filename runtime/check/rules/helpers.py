"""What several rules share: findings grouped over runs, and what makes an error
'accidental' rather than a deliberate, clear one."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..model import Finding, Rule
from ..observe import Run
from ..session import Observations

# Errors a driver raises by accident (a lookup on None or a missing key), not by validating.
ACCIDENTAL_ERRORS = (TypeError, KeyError, AttributeError, IndexError, NameError)


def is_accidental(error: BaseException | None) -> bool:
    return isinstance(error, ACCIDENTAL_ERRORS)


def findings_over_runs(rule: Rule, observations: Observations, runs: Iterable[Run],
                       problem: Callable[[Run], str | None], expected: str) -> list[Finding]:
    """One finding per distinct problem, naming every run that showed it."""
    labels_by_problem: dict[str, list[str]] = {}
    for run in runs:
        found = problem(run)
        if found:
            labels_by_problem.setdefault(found, []).append(run.label)
    return [rule.finding(observations.subject.name, f"In {_join(labels)}, {found}.", expected,
                         observations.subject.location)
            for found, labels in labels_by_problem.items()]


def _join(labels: list[str]) -> str:
    if len(labels) > 3:
        return f"{labels[0]} and {len(labels) - 1} other runs"
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
