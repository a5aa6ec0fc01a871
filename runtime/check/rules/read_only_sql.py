"""OSD031: an extractor rejects a write statement before executing it. The check
first proves, on a scratch copy of the embedded database the scenario run opened,
that each statement would change it; then it runs the extractor with the
statement as its query, pointed at another copy. The run must fail, the copy
must be unchanged, and the statement must not have reached the database (a
database that refuses it, e.g. a read-only connection, is not the driver
rejecting it)."""

from __future__ import annotations

from ..databases import is_database_error
from ..model import Rule, RuleResult
from ..session import Observations, Probe
from .helpers import findings_over_runs

RULE = Rule.of("OSD031")
NEEDS_SCENARIO = True


def verify(observations: Observations) -> RuleResult:
    if observations.probes_unavailable:
        return RuleResult.skipped(RULE, observations.probes_unavailable)
    probe_of = {id(p.run): p for p in observations.probes}
    return RuleResult.judged(RULE, findings_over_runs(
        RULE, observations, [p.run for p in observations.probes],
        lambda run: _problem(probe_of[id(run)]),
        "the extractor validates its query as read-only and rejects statements that change "
        "data or schema before executing them."))


def _problem(probe: Probe) -> str | None:
    run = probe.run
    if probe.rows_after != probe.rows_before:
        return (f"the statement was executed: row counts per table went from {probe.rows_before} "
                f"to {probe.rows_after}")
    if run.ok:
        return "run accepted the statement without an error"
    if any(probe.statement in traced for traced in run.statements) or any(
            is_database_error(error) for error in run.error_chain()):
        return (f"the statement reached the database, which refused it ({run.describe_error()}); "
                f"the driver did not reject it first")
    return None
