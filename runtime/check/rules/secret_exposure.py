"""OSD030: no secret from ``resolved_connection`` (or the scenario's extra
``secrets``) appears in any event, metric, log record, warning, output or
error message of any run. URLs with a ``user:password@`` part count too."""

from __future__ import annotations

from ...masking import MASK, SecretMasker
from ...runlog import to_json
from ..model import Rule, RuleResult
from ..observe import Run
from ..session import Observations
from .helpers import findings_over_runs

RULE = Rule.of("OSD030")
NEEDS_SCENARIO = False
_EXCERPT = 160


def verify(observations: Observations) -> RuleResult:
    if not observations.scenario.secrets:
        return RuleResult.skipped(RULE, "the scenario's resolved_connection holds no secret "
                                        "(password, token, api_key, ...) to look for")
    masker = SecretMasker(observations.scenario.secrets)
    return RuleResult.judged(RULE, findings_over_runs(
        RULE, observations, observations.runs(), lambda run: _problem(run, masker),
        "secrets never reach events, metrics, logs, warnings, output or error messages: "
        "leave them out or mask them as '***'."))


def _problem(run: Run, masker: SecretMasker) -> str | None:
    for channel, text in _channels(run):
        masked = masker.text(text)
        if masked != text:
            return f"a secret appeared in {channel} (masked here: {_around_mask(masked)!r})"
    return None


def _around_mask(masked: str) -> str:
    """The part of ``masked`` around the first masked secret."""
    start = max(masked.find(MASK) - _EXCERPT // 2, 0)
    excerpt = masked[start:start + _EXCERPT]
    return ("..." if start else "") + excerpt + ("..." if start + _EXCERPT < len(masked) else "")


def _channels(run: Run):
    for event in run.events:
        yield f"the {event['event']!r} event", to_json(event["data"])
    for metric in run.metrics:
        yield f"the {metric['metric']!r} metric", to_json(metric)
    yield from (("a log record", message) for message in run.log_messages)
    yield from (("a warning", message) for message in run.warning_messages)
    yield from ((f"the {type(error).__name__} raised", str(error)) for error in run.error_chain())
    yield "stdout", run.stdout.decode("utf-8", "replace")
    yield "stderr", run.stderr.decode("utf-8", "replace")
