"""OSD033: a driver that connects to a server fails within its timeouts when the
server accepts the connection and never answers, instead of waiting for ever. The
check runs it against such a server (silent_server.py) with ``connect_timeout`` and
``read_timeout`` of a few seconds beside the host in its config."""

from __future__ import annotations

from .. import silent_server
from ..model import Rule, RuleResult
from ..session import Observations
from ..silent_server import NETWORK_CLIENTS, SILENT_RUN

RULE = Rule.of("OSD033")
NEEDS_SCENARIO = True


EXPECTED = ("the connect call carries a connect timeout and a read timeout (from config, "
            "e.g. connect_timeout / read_timeout), so run fails within them.")


def verify(observations: Observations) -> RuleResult:
    run = observations.silent_run
    if observations.silent_run_hung:
        return _breach(observations, f"In {SILENT_RUN}, run was still waiting after "
                                     f"{silent_server.HANG_BOUND} s.")
    if run is None:
        connected = {call.client for call in observations.scenario_run.connects}
        if not connected & set(NETWORK_CLIENTS):
            return RuleResult.skipped(RULE, "the scenario run connected to no server "
                                            f"({', '.join(NETWORK_CLIENTS)})")
        return RuleResult.skipped(RULE, "its config names no 'host' to point at a silent server")
    if run.ok:
        return _breach(observations, f"In {SILENT_RUN}, run returned normally although the "
                                     "server never answered.")
    return RuleResult.judged(RULE, [])


def _breach(observations: Observations, observed: str) -> RuleResult:
    return RuleResult.judged(RULE, [RULE.finding(
        observations.subject.name, observed, EXPECTED, observations.subject.location)])
