"""Dry-run reports: what a writer would execute, sent to the log rather than stdout."""

import logging

logger = logging.getLogger(__name__)


def explain_statements(statements, print=logger.info) -> int:
    """Report each statement through ``print`` (a logger method unless a test passes
    its own collector) and return how many there were."""
    count = 0
    for count, statement in enumerate(statements, start=1):
        print("statement %d: %s", count, statement)
    return count
