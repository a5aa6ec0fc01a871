"""The contract's rules and categories: each rule's code, name, the driver categories
it applies to and its requirement in one line, and each category's row metric.

osiris-lint's rules (linter/rules/) and osiris-run check's (runtime/check/rules/) take
their names and categories from here, and the generator its metrics, so the static
and the dynamic verdict on a driver always speak of the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass

EXTRACTOR, WRITER, TRANSFORMER = "extractor", "writer", "transformer"
CATEGORIES = (EXTRACTOR, WRITER, TRANSFORMER)
# The metric each category logs with ctx.log_metric before run returns.
ROW_METRICS = {EXTRACTOR: "rows_read", WRITER: "rows_written", TRANSFORMER: "rows_processed"}

_ALL = frozenset(CATEGORIES)


@dataclass(frozen=True)
class ContractRule:
    code: str
    name: str
    categories: frozenset[str]  # the driver categories it applies to
    requirement: str  # what the contract asks, in one line
    # "all with a known category": a driver whose category cannot be told is not judged.
    needs_category: bool = False


RULES = (
    ContractRule("OSD001", "run-signature", _ALL,
                 "run(self, step_id, config, inputs, ctx), in this order."),
    ContractRule("OSD002", "file-naming", _ALL,
                 "A driver lives in <name>_extractor|writer|transformer_driver.py."),
    ContractRule("OSD003", "unregistered-driver", _ALL,
                 "Every driver class is registered at import time."),
    ContractRule("OSD004", "registration-form", _ALL,
                 'DriverRegistry.register("family.type", Instance()) with a literal key.'),
    ContractRule("OSD005", "duplicate-registration", _ALL,
                 "A registry key is registered once."),
    ContractRule("OSD006", "ctx-api", _ALL,
                 "ctx is used only through log_metric, log_event and output_dir."),
    ContractRule("OSD010", "missing-metric", _ALL,
                 "The category's row metric is logged before run returns.", needs_category=True),
    ContractRule("OSD011", "return-shape", _ALL,
                 'Extractors and transformers return {"df": DataFrame}, writers {}.',
                 needs_category=True),
    ContractRule("OSD012", "inputs-contract", _ALL,
                 "Extractors ignore inputs; writers and transformers reject missing ones.",
                 needs_category=True),
    ContractRule("OSD020", "no-print", _ALL,
                 "Nothing is written to stdout or stderr; log through ctx or logging."),
    ContractRule("OSD021", "input-mutation", frozenset({WRITER, TRANSFORMER}),
                 "Inputs are copied before they are changed."),
    ContractRule("OSD022", "dataframe-cache", _ALL,
                 "No DataFrame or per-run state outlives a run."),
    ContractRule("OSD023", "config-validated-first", _ALL,
                 "Configuration is validated before any work or connection."),
    ContractRule("OSD024", "error-handling", _ALL,
                 "A failure emits step_failed (step_id, error, error_type) and re-raises."),
    ContractRule("OSD025", "resource-cleanup", _ALL,
                 "Connections, cursors and files opened in run are closed on every path."),
    ContractRule("OSD030", "secret-exposure", _ALL,
                 "No secret reaches a log, an event, a metric, output or an error."),
    ContractRule("OSD031", "read-only-sql", frozenset({EXTRACTOR}),
                 "An extractor checks that its SQL only reads before executing it."),
    ContractRule("OSD032", "hardcoded-credentials", _ALL,
                 "Credentials come from the connection, never from literals."),
    ContractRule("OSD033", "connection-timeout", frozenset({EXTRACTOR, WRITER}),
                 "Every database or HTTP connection has a timeout."),
    ContractRule("OSD034", "sql-injection", _ALL,
                 "Values are bound and identifiers quoted, never formatted into SQL."),
    ContractRule("OSD040", "write-modes", frozenset({WRITER}),
                 "A writer handles append, overwrite and upsert, and rejects any other mode."),
    ContractRule("OSD041", "transaction", frozenset({WRITER}),
                 "Writes run in a transaction that is rolled back on error."),
)
BY_CODE = {rule.code: rule for rule in RULES}
