"""OSD023: a missing required config key fails with a clear error (one that names
the key, not a stray KeyError) before any connection is opened. Each key of the
scenario config is left out in turn; a run that still succeeds shows that key is
optional. Connections are those of sqlite3, duckdb, psycopg, psycopg2, pymysql."""

from __future__ import annotations

from ..model import Rule, RuleResult
from ..observe import Run
from ..session import Observations
from .helpers import findings_over_runs, is_accidental

RULE = Rule.of("OSD023")
NEEDS_SCENARIO = True


def verify(observations: Observations) -> RuleResult:
    missing_key = {id(run): key for key, run in observations.missing_key_runs}
    return RuleResult.judged(RULE, findings_over_runs(
        RULE, observations, [run for _, run in observations.missing_key_runs],
        lambda run: _problem(run, missing_key[id(run)]),
        "validation at the start of run rejects a missing required key with an error that "
        "names it, before any connection is opened."))


def _problem(run: Run, key: str) -> str | None:
    if run.ok:
        return None  # the key is optional
    if run.connects:
        opened = ", ".join(call.describe() for call in run.connects)
        return f"run opened a connection ({opened}) before failing with {run.describe_error()}"
    if is_accidental(run.error) or not _names(str(run.error), key):
        return f"run failed with {run.describe_error()}, which is not a clear error naming {key!r}"
    return None


def _names(message: str, key: str) -> bool:
    return key in message or (key == "resolved_connection" and "connection" in message.lower())
