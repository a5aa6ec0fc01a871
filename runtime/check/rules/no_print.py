"""OSD020: nothing on stdout or stderr, caught at the file-descriptor level, so
``print``, ``os.write(1, ...)``, C code and child processes all count."""

from __future__ import annotations

from ..model import Rule, RuleResult
from ..observe import Run
from ..session import Observations
from .helpers import findings_over_runs

RULE = Rule.of("OSD020")
NEEDS_SCENARIO = False
_EXCERPT = 80


def verify(observations: Observations) -> RuleResult:
    return RuleResult.judged(RULE, findings_over_runs(
        RULE, observations, observations.runs(), _problem,
        "no output on stdout or stderr: report through ctx.log_event, metrics or logging."))


def _problem(run: Run) -> str | None:
    written = [f"{len(data)} bytes to {name} ({_excerpt(data)!r})"
               for name, data in (("stdout", run.stdout), ("stderr", run.stderr)) if data]
    return f"run wrote {' and '.join(written)}" if written else None


def _excerpt(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text if len(text) <= _EXCERPT else text[:_EXCERPT] + "..."
