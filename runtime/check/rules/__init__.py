"""The run-time rules, one module each, named as in ``contract-rules.md``. Each
module has ``RULE``, ``NEEDS_SCENARIO`` (whether it can only judge a driver whose
scenario run succeeded) and ``verify(observations) -> RuleResult``."""

from __future__ import annotations

from ..model import RuleResult
from ..session import Observations
from . import (
    config_validated_first,
    connection_timeout,
    dataframe_cache,
    error_handling,
    input_mutation,
    inputs_contract,
    missing_metric,
    no_print,
    read_only_sql,
    return_shape,
    secret_exposure,
)

RULE_MODULES = (missing_metric, return_shape, inputs_contract, no_print, input_mutation,
                dataframe_cache, config_validated_first, error_handling, secret_exposure,
                read_only_sql, connection_timeout)
RULES = tuple(module.RULE for module in RULE_MODULES)


def judge(observations: Observations) -> list[RuleResult]:
    results = []
    for module in RULE_MODULES:
        rule = module.RULE
        if observations.category not in rule.categories:
            results.append(RuleResult.skipped(rule, f"applies to {_plural(rule.categories)} only"))
        elif module.NEEDS_SCENARIO and not observations.scenario_run.ok:
            results.append(RuleResult.skipped(rule, "the scenario run failed"))
        else:
            results.append(module.verify(observations))
    return results


def _plural(categories: frozenset[str]) -> str:
    return " and ".join(f"{c}s" for c in sorted(categories))
