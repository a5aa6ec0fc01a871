"""Generate a corpus of realistic, varied Osiris driver files for the linter benchmarks.

    python bench/lint_corpus.py OUT_DIR [--files 1000] [--seed 7]

The corpus looks like a real drivers repository: packages of extractors, writers and
transformers for PostgreSQL, MySQL, SQLite, DuckDB, SQLAlchemy, REST APIs and files, each
package with its ``__init__.py``, some with a helper module or a test file. About half of
the drivers keep the contract; the others make one or two of the mistakes drivers
typically make. Driver files are 60 to 400 lines long. The same seed always writes the
same files. Standard library only, so that the benchmark never depends on the linter.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, replace
from pathlib import Path

MIN_LINES, MAX_LINES = 60, 400

ENTITIES: dict[str, tuple[str, ...]] = {
    "orders": tuple(
        "order_id customer_id status total currency placed_at updated_at channel discount "
        "shipping_cost".split()
    ),
    "customers": tuple(
        "customer_id email first_name last_name country segment created_at updated_at "
        "marketing_opt_in".split()
    ),
    "invoices": tuple("invoice_id customer_id amount currency issued_on due_on paid_on status".split()),
    "payments": tuple("payment_id invoice_id amount method provider settled_at fee".split()),
    "shipments": tuple(
        "shipment_id order_id carrier tracking_number shipped_at delivered_at weight_kg".split()
    ),
    "products": tuple("product_id sku name category price cost active updated_at".split()),
    "events": tuple("event_id user_id kind source occurred_at payload".split()),
    "tickets": tuple(
        "ticket_id requester_id assignee_id priority status subject created_at solved_at".split()
    ),
    "subscriptions": tuple("subscription_id customer_id plan mrr started_on cancelled_on status".split()),
    "leads": tuple("lead_id email company source score created_at owner_id".split()),
    "stock": tuple("sku warehouse_id on_hand reserved counted_at".split()),
    "refunds": tuple("refund_id order_id amount reason issued_at".split()),
    "sessions": tuple("session_id user_id started_at ended_at pages device country".split()),
    "employees": tuple("employee_id department title hired_on manager_id location".split()),
    "campaigns": tuple("campaign_id name channel budget starts_on ends_on clicks conversions".split()),
    "ledger": tuple("entry_id account debit credit booked_on memo".split()),
    "reviews": tuple("review_id product_id rating title body created_at".split()),
    "devices": tuple("device_id model firmware last_seen_at battery site_id".split()),
}
EXTRA_COLUMNS = tuple(
    "created_by updated_by source_system tenant_id region notes external_ref is_deleted version "
    "batch_id ingested_at checksum country_code locale tags parent_id valid_from valid_to "
    "owner_team archived_at label amount_eur quantity unit margin cost_center sales_rep promo_code "
    "warehouse risk_score partner_id contract_ref billing_country vat_rate net_amount gross_amount "
    "exported_at synced_at import_file row_hash timezone utm_source utm_campaign device_type "
    "account_manager payment_terms fiscal_year fiscal_period legal_entity status_reason".split()
)
PACKAGE_WORDS = tuple(
    "sales finance growth ops support marketing logistics billing hr product risk partners catalog "
    "platform retail payments".split()
)

# How a driver reaches its data, the families (registry key and file name prefixes) of
# each kind, and the categories a kind serves.
FAMILIES: dict[str, tuple[str, ...]] = {
    "psycopg": tuple("postgres timescale warehouse_pg billing_pg".split()),
    "pymysql": tuple("mysql mariadb shopdb erp_mysql".split()),
    "sqlite": tuple("sqlite localcache edge_sqlite".split()),
    "duckdb": tuple("duckdb lake analytics_duck".split()),
    "sqlalchemy": tuple("redshift reporting analytics mssql".split()),
    "http": tuple("hubspot zendesk stripe github shopify jira intercom pipedrive mailchimp".split()),
    "file": tuple("csv parquet jsonl".split()),
    "pandas": tuple("dedupe enrich filter aggregate normalize mask currency latest".split()),
}
CATEGORIES: dict[str, tuple[str, ...]] = {
    "psycopg": ("extractor", "writer"),
    "pymysql": ("extractor", "writer"),
    "sqlite": ("extractor", "writer"),
    "duckdb": ("extractor", "writer", "transformer"),
    "sqlalchemy": ("extractor", "writer"),
    "http": ("extractor",),
    "file": ("extractor", "writer"),
    "pandas": ("transformer",),
}
METRICS = {"extractor": "rows_read", "writer": "rows_written", "transformer": "rows_processed"}
SERVER_KINDS = ("psycopg", "pymysql", "sqlalchemy", "http")

# The mistakes drivers typically make, by category, and the kinds each one can occur in.
VIOLATIONS: dict[str, tuple[str, ...]] = {
    "extractor": tuple(
        "print no_metric bare_return no_timeout hardcoded_password fstring_sql no_try cache_frame "
        "unregistered log_config late_validation".split()
    ),
    "writer": tuple(
        "print no_metric no_timeout hardcoded_password fstring_sql no_try unregistered log_config "
        "no_upsert no_transaction".split()
    ),
    "transformer": tuple(
        "print no_metric bare_return no_try cache_frame unregistered mutates_input late_validation".split()
    ),
}
ONLY_IN_KINDS = {
    "no_timeout": SERVER_KINDS,
    "hardcoded_password": ("psycopg", "pymysql", "sqlalchemy"),
    "fstring_sql": ("psycopg", "pymysql", "sqlite", "duckdb", "sqlalchemy"),
    "no_transaction": ("psycopg", "pymysql", "sqlite", "sqlalchemy", "file"),
}


def indent(lines: list[str], levels: int = 1) -> list[str]:
    return ["    " * levels + line if line else "" for line in lines]


@dataclass(frozen=True)
class DriverSpec:
    """Everything that makes one driver file different from the others."""

    kind: str
    family: str
    category: str
    entity: str
    columns: tuple[str, ...]
    module: str
    violations: frozenset[str]
    registered_in_init: bool
    keyword_only: bool
    binds_cfg: bool
    metric_style: str  # "direct", "helper" or "guarded"
    frame: str  # the name of the DataFrame variable in run
    uses_logger: bool
    style_seed: int  # drives the cosmetic choices: comments, docstrings, phrasing
    helpers: tuple[str, ...] = ()  # optional frame-cleaning methods, in the order run calls them
    documented: bool = False  # a class docstring that documents configuration and columns

    @property
    def class_name(self) -> str:
        return camel(self.module)

    @property
    def key(self) -> str:
        """Unique across the corpus, like the module name: one repository, one registry."""
        return f"{self.module.removesuffix(f'_{self.category}_driver')}.{self.category}"

    @property
    def key_column(self) -> str:
        return self.columns[0]

    @property
    def changed_column(self) -> str:
        return next((c for c in self.columns if c.endswith(("_at", "_on"))), self.key_column)


def camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def dtype_of(column: str) -> str:
    if column.endswith(("_at", "_on", "_from", "_to")):
        return "datetime64[ns, UTC]"
    if column.startswith("is_") or column in ("active", "marketing_opt_in"):
        return "boolean"
    if column in ("pages", "clicks", "conversions", "quantity", "version", "on_hand", "reserved", "rating"):
        return "Int64"
    if column in (
        "total",
        "discount",
        "shipping_cost",
        "amount",
        "fee",
        "price",
        "cost",
        "mrr",
        "debit",
        "credit",
        "budget",
        "weight_kg",
        "score",
        "battery",
        "amount_eur",
        "margin",
        "risk_score",
        "vat_rate",
        "net_amount",
        "gross_amount",
    ):
        return "float64"
    return "string"


def py_tuple(items: list[str] | tuple[str, ...]) -> str:
    """A tuple literal of strings, written with double quotes as the rest of the code."""
    inner = ", ".join(f'"{item}"' for item in items)
    return f"({inner},)" if len(items) == 1 else f"({inner})"


def conf(spec: DriverSpec, key: str) -> str:
    """How run reads one configuration value: from the validated copy or from config."""
    return f'cfg["{key}"]' if spec.binds_cfg else f'config["{key}"]'


# --- module-level parts ------------------------------------------------------------------------


def module_docstring(spec: DriverSpec, rng: random.Random) -> list[str]:
    verb = {"extractor": "Extracts {} from", "writer": "Writes {} into", "transformer": "Transforms {} with"}
    where = {
        "psycopg": "PostgreSQL (psycopg 3)",
        "pymysql": "MySQL/MariaDB (PyMySQL)",
        "sqlite": "a SQLite file",
        "duckdb": "DuckDB",
        "sqlalchemy": f"the {spec.family} warehouse (SQLAlchemy)",
        "http": f"the {camel(spec.family)} API (requests)",
        "file": f"{spec.family.upper()} files",
        "pandas": "pandas",
    }[spec.kind]
    first = f'"""{verb[spec.category].format(spec.entity)} {where}.'
    extra = rng.choice(
        [
            "",
            f"Owned by the {rng.choice(['data platform', 'finance data', 'growth'])} team.",
            f"Replaces the nightly job that copied {spec.entity} by hand.",
            "Configuration keys are listed in the class docstring.",
        ]
    )
    return [first + '"""'] if not extra else [first, "", extra, '"""']


def import_lines(body: str) -> list[str]:
    """The imports the rendered body needs, in isort's order."""
    stdlib = [
        line
        for used, line in (
            ("logging.getLogger", "import logging"),
            ("os.replace", "import os"),
            ("sqlite3.connect", "import sqlite3"),
            ("sys.stderr", "import sys"),
            ("Path(", "from pathlib import Path"),
            (": Any", "from typing import Any"),
        )
        if used in body
    ]
    third = [
        line
        for used, line in (
            ("duckdb.connect", "import duckdb"),
            ("pd.", "import pandas as pd"),
            ("psycopg.connect", "import psycopg"),
            ("pymysql.connect", "import pymysql"),
            ("pymysql.cursors", "import pymysql.cursors"),
            ("requests.Session", "import requests"),
            ("sa.create_engine", "import sqlalchemy as sa"),
        )
        if used in body
    ]
    if "DriverRegistry." in body:
        third.append("from osiris.core.driver import DriverRegistry")
    lines = [*stdlib, ""] if stdlib else []
    return [*lines, *third, ""]


def module_constants(spec: DriverSpec, rng: random.Random) -> list[str]:
    lines = ["logger = logging.getLogger(__name__)", ""] if spec.uses_logger else []
    if spec.kind in SERVER_KINDS:
        lines.append(f"CONNECT_TIMEOUT = {rng.choice([5, 10, 15, 30])}")
    if "hardcoded_password" in spec.violations:
        scheme = {"psycopg": "postgresql", "pymysql": "mysql+pymysql", "sqlalchemy": "postgresql+psycopg"}[
            spec.kind
        ]
        secret = rng.choice(["s3cret", "Welcome1", "etl-2023", "hunter2", "changeme"])
        lines.append(f'FALLBACK_URL = "{scheme}://etl:{secret}@{spec.family}-db.internal/{spec.entity}"')
    lines += [
        f"KEY_COLUMNS = {py_tuple([spec.key_column])}",
        "COLUMNS = (",
        *[f'    "{c}",' for c in spec.columns],
        ")",
    ]
    if spec.category == "writer":
        lines.append('WRITE_MODES = ("append", "overwrite", "upsert")')
    if "_coerce_types" in spec.helpers:
        lines += ["DTYPES = {", *[f'    "{c}": "{dtype_of(c)}",' for c in spec.columns], "}"]
    return [*lines, ""]


def statement_functions(spec: DriverSpec) -> list[str]:
    """Module-level SQL for writers: an INSERT and the upsert built from quoted key names."""
    if spec.category != "writer" or spec.kind == "file":
        return []
    if spec.kind in ("psycopg", "pymysql", "sqlite"):
        mark = "?" if spec.kind == "sqlite" else "%s"
        lines = [
            "INSERT = (",
            f'    "INSERT INTO {spec.entity} ({", ".join(spec.columns)}) "',
            f'    "VALUES ({", ".join([mark] * len(spec.columns))})"',
            ")",
            "",
            "",
        ]
    else:
        lines = []
    if spec.kind == "pymysql":
        return [
            *lines,
            "def upsert_statement(keys: list[str]) -> str:",
            '    updates = ", ".join(f"`{c}` = VALUES(`{c}`)" for c in COLUMNS if c not in keys)',
            '    return f"{INSERT} ON DUPLICATE KEY UPDATE {updates}"',
            "",
            "",
        ]
    if spec.kind in ("psycopg", "sqlite"):
        return [
            *lines,
            "def quote_identifier(name: str) -> str:",
            "    return '\"' + name.replace('\"', '\"\"') + '\"'",
            "",
            "",
            "def upsert_statement(keys: list[str]) -> str:",
            '    conflict = ", ".join(quote_identifier(key) for key in keys)',
            '    updates = ", ".join(',
            '        f"{quote_identifier(c)} = excluded.{quote_identifier(c)}"',
            "        for c in COLUMNS",
            "        if c not in keys",
            "    )",
            '    return f"{INSERT} ON CONFLICT ({conflict}) DO UPDATE SET {updates}"',
            "",
            "",
        ]
    if spec.kind == "duckdb":
        return [
            "def delete_matching_statement(keys: list[str]) -> str:",
            "    quoted = \", \".join('\"' + key.replace('\"', '\"\"') + '\"' for key in keys)",
            "    return (",
            f'        f"DELETE FROM {spec.entity} WHERE ({{quoted}}) IN "',
            '        f"(SELECT {quoted} FROM incoming)"',
            "    )",
            "",
            "",
        ]
    return [
        "def delete_matching(conn, keys: list[str], df: pd.DataFrame):",
        f'    table = sa.Table("{spec.entity}", sa.MetaData(), autoload_with=conn)',
        "    key = sa.tuple_(*(table.c[k] for k in keys))",
        "    return table.delete().where(key.in_(list(df[keys].itertuples(index=False, name=None))))",
        "",
        "",
    ]


# --- the class -----------------------------------------------------------------------------------


def class_docstring(spec: DriverSpec) -> list[str]:
    settings = {
        "extractor": ["since: only rows changed at or after this timestamp"],
        "writer": [
            "table: the target table",
            "write_mode: append, overwrite or upsert",
            "primary_key: the key columns for upsert (default: the first column)",
        ],
        "transformer": ["keys: the columns that identify a row"],
    }[spec.category]
    if spec.kind in ("sqlite", "file"):
        settings = [*settings, "path: the file to read or write"]
    lines = [
        f'"""Registered as ``{spec.key}``.',
        "",
        "Configuration:",
        *indent(settings),
        "",
        "Columns:",
        *indent([f"{c}: {dtype_of(c)}" for c in spec.columns]),
        '"""',
        "",
    ]
    return lines


def signature(spec: DriverSpec) -> str:
    if spec.keyword_only:
        return (
            "def run(self, *, step_id: str, config: dict, inputs: dict | None = None, "
            "ctx: Any = None) -> dict:"
        )
    return "def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:"


def failure_handler() -> list[str]:
    return [
        "except Exception as e:",
        '    ctx.log_event("step_failed", {',
        '        "step_id": step_id,',
        '        "error": str(e),',
        '        "error_type": type(e).__name__,',
        "    })",
        "    raise",
    ]


def run_method(spec: DriverSpec, rng: random.Random) -> list[str]:
    docstring = []
    if rng.random() < 0.3:
        purpose = rng.choice(["One pipeline step", "Run the step"])
        docstring = [f'"""{purpose}: {spec.category} of {spec.entity}."""']
    body = run_body(spec, rng)
    if "no_try" not in spec.violations:
        body = ["try:", *indent(body), *failure_handler()]
    return [signature(spec), *indent([*docstring, *body])]


def run_body(spec: DriverSpec, rng: random.Random) -> list[str]:
    df = spec.frame
    validation = "cfg = self._validate_config(config)" if spec.binds_cfg else "self._validate_config(config)"
    body = [] if "late_validation" in spec.violations else [validation]
    if "log_config" in spec.violations:
        body.append('logger.debug("step %s starts with config %s", step_id, config)')
    if spec.category != "extractor":
        body += (
            ["self._require_df(inputs)"]
            if rng.random() < 0.5
            else [
                'if inputs is None or "df" not in inputs:',
                f"    raise ValueError(\"{spec.key} needs inputs['df']\")",
            ]
        )
    if rng.random() < 0.4:
        body.append(
            rng.choice(
                [
                    "# Errors surface in the step_failed event below.",
                    "# The runner passes every argument by keyword.",
                    f"# {spec.entity.capitalize()} arrive in batches of a few thousand rows.",
                ]
            )
        )
    cleaning = [f"{df} = self.{helper}({df})" for helper in spec.helpers]
    if spec.category == "writer":
        body += [f'{df} = inputs["df"]', *cleaning, *write_work(spec)]
    elif spec.category == "extractor":
        body += [*extract_work(spec), *cleaning]
    else:
        body += [*transform_work(spec, rng), *cleaning]
    if "late_validation" in spec.violations:
        body.append(validation)
    if "print" in spec.violations:
        body.append(
            rng.choice(
                [
                    f'print(f"{spec.key}: {{len({df})}} rows")',
                    f'sys.stderr.write(f"{{step_id}}: {{len({df})}} rows\\n")',
                ]
            )
        )
    if "cache_frame" in spec.violations:
        body.append(f"self._last_frame = {df}")
    if spec.uses_logger:
        body.append(f'logger.info("step %s: %d {spec.entity}", step_id, len({df}))')
    body += metric_lines(spec)
    if spec.category == "writer":
        body.append("return {}")
    else:
        body.append(f"return {df}" if "bare_return" in spec.violations else f'return {{"df": {df}}}')
    return body


def metric_lines(spec: DriverSpec) -> list[str]:
    name, df = METRICS[spec.category], spec.frame
    if "no_metric" in spec.violations:
        return []
    if spec.metric_style == "helper":
        return [f"self._emit_metrics(ctx, {df})"]
    if spec.metric_style == "guarded":
        return ["if ctx:", f'    ctx.log_metric("{name}", len({df}))']
    return [f'ctx.log_metric("{name}", len({df}))']


# --- the work in run, by kind ------------------------------------------------------------------


def select_sql(spec: DriverSpec, placeholder: str) -> list[str]:
    first, *rest = spec.columns
    return [
        '"""',
        f"SELECT {first},",
        *[f"       {c}," for c in rest[:-1]],
        f"       {rest[-1]}",
        f"  FROM {spec.entity}",
        f" WHERE {spec.changed_column} >= {placeholder}",
        f" ORDER BY {first}",
        '"""',
    ]


def query_call(spec: DriverSpec, call: str, placeholder: str, arguments: str) -> list[str]:
    if "fstring_sql" in spec.violations:
        return [
            f"{call}(",
            f"    f\"SELECT {{', '.join(COLUMNS)}} FROM {{config['table']}} "
            f'WHERE {spec.changed_column} >= {placeholder}",',
            f"    {arguments},",
            ")",
        ]
    *query, closing = select_sql(spec, placeholder)
    return [f"{call}(", *indent(query), f"    {closing},", f"    {arguments},", ")"]


def connect_arguments(spec: DriverSpec, port: int, database: str) -> list[str]:
    lines = [
        'host=connection["host"],',
        f'port=int(connection.get("port", {port})),',
        'user=connection["user"],',
        'password=connection["password"],',
        f'{database}=connection["database"],',
    ]
    return lines if "no_timeout" in spec.violations else [*lines, "connect_timeout=CONNECT_TIMEOUT,"]


def engine_line(spec: DriverSpec) -> str:
    url = (
        'config.get("resolved_connection", {}).get("url", FALLBACK_URL)'
        if "hardcoded_password" in spec.violations
        else 'config["resolved_connection"]["url"]'
    )
    timeout = "" if "no_timeout" in spec.violations else ', connect_args={"connect_timeout": CONNECT_TIMEOUT}'
    return f"engine = sa.create_engine({url}{timeout})"


def connection_lines(spec: DriverSpec) -> list[str]:
    if spec.kind == "psycopg":
        arguments = connect_arguments(spec, 5432, "dbname")
        opener = "psycopg.connect("
    else:
        arguments = connect_arguments(spec, 3306, "database")
        if spec.category == "extractor":
            arguments.append("cursorclass=pymysql.cursors.DictCursor,")
        opener = "pymysql.connect("
    if "hardcoded_password" in spec.violations:
        arguments = [
            a if not a.startswith("password=") else 'password=connection.get("password", "etl"),'
            for a in arguments
        ]
    if spec.category == "writer" and "no_transaction" in spec.violations:
        arguments.append("autocommit=True,")
    return ['connection = config["resolved_connection"]', f"with {opener}", *indent(arguments), ") as conn:"]


def extract_work(spec: DriverSpec) -> list[str]:
    df, since = spec.frame, conf(spec, "since")
    if spec.kind == "psycopg":
        return [
            *connection_lines(spec),
            "    with conn.cursor() as cur:",
            *indent(query_call(spec, "cur.execute", "%s", f"({since},)"), 2),
            f"        {df} = pd.DataFrame(cur.fetchall(), columns=[c.name for c in cur.description])",
        ]
    if spec.kind == "pymysql":
        return [
            *connection_lines(spec),
            "    with conn.cursor() as cur:",
            *indent(query_call(spec, "cur.execute", "%s", f"({since},)"), 2),
            f"        {df} = pd.DataFrame(cur.fetchall())",
        ]
    if spec.kind == "sqlite":
        return [
            f"conn = sqlite3.connect({conf(spec, 'path')}, timeout=10)",
            "try:",
            '    conn.execute("PRAGMA query_only = ON")',
            *indent(query_call(spec, f"{df} = pd.read_sql_query", "?", f"conn, params=({since},)")),
            "finally:",
            "    conn.close()",
        ]
    if spec.kind == "duckdb":
        return [
            f"with duckdb.connect({conf(spec, 'database')}, read_only=True) as con:",
            *indent(query_call(spec, "result = con.execute", "?", f"[{since}]")),
            f"    {df} = result.df()",
        ]
    if spec.kind == "sqlalchemy":
        return [
            engine_line(spec),
            "try:",
            "    with engine.connect() as conn:",
            *indent(
                query_call(
                    spec, f"{df} = pd.read_sql_query", "%(since)s", f'conn, params={{"since": {since}}}'
                ),
                2,
            ),
            "finally:",
            "    engine.dispose()",
        ]
    if spec.kind == "http":
        timeout = "" if "no_timeout" in spec.violations else ", timeout=CONNECT_TIMEOUT"
        return [
            "records = []",
            "with requests.Session() as session:",
            "    session.headers[\"Authorization\"] = f\"Bearer {config['resolved_connection']['token']}\"",
            f'    url = "https://api.{spec.family}.com/v2/{spec.entity}"',
            f'    params = {{"updated_since": {since}, "limit": 100}}',
            "    while url:",
            f"        response = session.get(url, params=params{timeout})",
            "        response.raise_for_status()",
            "        page = response.json()",
            '        records.extend(page["results"])',
            '        url, params = page.get("next"), None',
            f"{df} = pd.DataFrame.from_records(records, columns=list(COLUMNS))",
        ]
    reader = {
        "csv": "pd.read_csv({}, dtype=str)",
        "parquet": "pd.read_parquet({}, columns=list(COLUMNS))",
        "jsonl": "pd.read_json({}, lines=True)",
    }[spec.family]
    return [f"{df} = {reader.format(conf(spec, 'path'))}"]


def mode_branches(spec: DriverSpec, append: list[str], overwrite: list[str], upsert: list[str]) -> list[str]:
    modes = [("append", append), ("overwrite", overwrite)]
    if "no_upsert" not in spec.violations:
        modes.append(("upsert", ['keys = config.get("primary_key") or list(KEY_COLUMNS)', *upsert]))
    lines = []
    for number, (mode, body) in enumerate(modes):
        lines += [f'{"elif" if number else "if"} mode == "{mode}":', *indent(body)]
    return [*lines, "else:", '    raise ValueError(f"write_mode must be one of {WRITE_MODES}, not {mode!r}")']


def delete_all(spec: DriverSpec, call: str) -> str:
    if "fstring_sql" in spec.violations:
        return f"{call}(f\"DELETE FROM {{config['table']}}\")"
    return f'{call}("DELETE FROM {spec.entity}")'


def write_work(spec: DriverSpec) -> list[str]:
    df, plain = spec.frame, "no_transaction" in spec.violations
    rows = [
        f"rows = list({df}.itertuples(index=False, name=None))",
        'mode = config.get("write_mode", "append")',
    ]
    if spec.kind in ("psycopg", "pymysql"):
        branches = mode_branches(
            spec,
            ["cur.executemany(INSERT, rows)"],
            [delete_all(spec, "cur.execute"), "cur.executemany(INSERT, rows)"],
            ["cur.executemany(upsert_statement(keys), rows)"],
        )
        work = ["with conn.cursor() as cur:", *indent(branches)]
        if not plain and spec.kind == "psycopg":
            work = ["with conn.transaction():", *indent(work)]
        elif not plain:
            work = [
                "try:",
                *indent(work),
                "    conn.commit()",
                "except Exception:",
                "    conn.rollback()",
                "    raise",
            ]
        return [*rows, *connection_lines(spec), *indent(work)]
    if spec.kind == "sqlite":
        branches = mode_branches(
            spec,
            ["conn.executemany(INSERT, rows)"],
            [delete_all(spec, "conn.execute"), "conn.executemany(INSERT, rows)"],
            ["conn.executemany(upsert_statement(keys), rows)"],
        )
        work = [*branches, "conn.commit()"] if plain else ["with conn:", *indent(branches)]
        return [
            *rows,
            f"conn = sqlite3.connect({conf(spec, 'path')}, timeout=30)",
            "try:",
            *indent(work),
            "finally:",
            "    conn.close()",
        ]
    if spec.kind == "duckdb":
        insert = f'con.execute("INSERT INTO {spec.entity} BY NAME SELECT * FROM incoming")'
        branches = mode_branches(
            spec,
            [insert],
            [delete_all(spec, "con.execute"), insert],
            ["con.execute(delete_matching_statement(keys))", insert],
        )
        return [
            rows[1],
            f"with duckdb.connect({conf(spec, 'database')}) as con:",
            f'    con.register("incoming", {df})',
            "    con.begin()",
            "    try:",
            *indent(branches, 2),
            "        con.commit()",
            "    except Exception:",
            "        con.rollback()",
            "        raise",
        ]
    if spec.kind == "sqlalchemy":
        to_sql = f'{df}.to_sql("{spec.entity}", conn, if_exists="{{}}", index=False)'
        branches = mode_branches(
            spec,
            [to_sql.format("append")],
            [to_sql.format("replace")],
            [f"conn.execute(delete_matching(conn, keys, {df}))", to_sql.format("append")],
        )
        opener = "engine.connect()" if plain else "engine.begin()"
        return [
            rows[1],
            engine_line(spec),
            "try:",
            f"    with {opener} as conn:",
            *indent(branches, 2),
            "finally:",
            "    engine.dispose()",
        ]
    return file_write_work(spec)


def file_write_work(spec: DriverSpec) -> list[str]:
    df = spec.frame
    write = {
        "csv": "to_csv({}, index=False)",
        "parquet": "to_parquet({}, index=False)",
        "jsonl": 'to_json({}, orient="records", lines=True)',
    }[spec.family]
    read = {
        "csv": "pd.read_csv(path)",
        "parquet": "pd.read_parquet(path)",
        "jsonl": "pd.read_json(path, lines=True)",
    }[spec.family]
    lines = [
        f"path = Path({conf(spec, 'path')})",
        'mode = config.get("write_mode", "append")',
        "if mode not in WRITE_MODES:",
        '    raise ValueError(f"write_mode must be one of {WRITE_MODES}")',
        f"existing = {read} if path.exists() else {df}.iloc[0:0]",
        "merged = {",
        f'    "append": lambda: pd.concat([existing, {df}], ignore_index=True),',
        f'    "overwrite": lambda: {df},',
    ]
    if "no_upsert" not in spec.violations:
        lines += [
            f'    "upsert": lambda: pd.concat([existing, {df}], ignore_index=True).drop_duplicates(',
            '        subset=config.get("primary_key") or list(KEY_COLUMNS), keep="last"),',
        ]
    lines.append("}[mode]()")
    if "no_transaction" in spec.violations:
        return [*lines, f"merged.{write.format('path')}"]
    return [
        *lines,
        'temporary = path.with_name(f".{path.name}.tmp")',
        f"merged.{write.format('temporary')}",
        "os.replace(temporary, path)",
    ]


def transform_work(spec: DriverSpec, rng: random.Random) -> list[str]:
    df, key = spec.frame, spec.key_column
    if "mutates_input" in spec.violations:
        start = [
            f'{df} = inputs["df"]',
            rng.choice(
                [
                    f'{df}["{key}"] = {df}["{key}"].astype(str).str.strip()',
                    f'{df}.drop_duplicates(subset=["{key}"], inplace=True)',
                    f"{df}.columns = [str(c).lower() for c in {df}.columns]",
                ]
            ),
        ]
    else:
        start = [f'{df} = inputs["df"].copy()']
    if spec.kind == "duckdb":
        return [
            *start,
            "with duckdb.connect() as con:",
            f'    con.register("source", {df})',
            f'    {df} = con.sql("SELECT DISTINCT ON ({key}) * FROM source ORDER BY {key}").df()',
        ]
    operation = {
        "dedupe": [f'{df} = {df}.drop_duplicates(subset=["{key}"], keep="last")'],
        "enrich": [
            f"lookup = pd.read_csv({conf(spec, 'lookup_path')})",
            f'{df} = {df}.merge(lookup, on="{key}", how="left")',
        ],
        "filter": [f'{df} = {df}[{df}["{key}"].notna()]'],
        "aggregate": [f'{df} = {df}.groupby("{key}", as_index=False).agg("last")'],
        "normalize": [f"{df} = {df}.rename(columns=str.lower)"],
        "mask": [f'{df} = {df}.assign(**{{column: "***" for column in {conf(spec, "secret_columns")}}})'],
        "currency": [
            f"rates = pd.read_csv({conf(spec, 'rates_path')})",
            f'{df} = {df}.merge(rates, on="currency", how="left")',
        ],
        "latest": [f'{df} = {df}.sort_values("{spec.changed_column}").groupby("{key}").tail(1)'],
    }[spec.family]
    return [*start, *operation]


# --- the other methods -------------------------------------------------------------------------


def validate_method(spec: DriverSpec) -> list[str]:
    required = {"extractor": ["since"], "writer": ["table"], "transformer": []}[spec.category]
    if spec.kind in ("sqlite", "file"):
        required.append("path")
    if spec.kind == "duckdb" and spec.category != "transformer":
        required.append("database")
    required += {"enrich": ["lookup_path"], "currency": ["rates_path"], "mask": ["secret_columns"]}.get(
        spec.family, []
    )
    lines = [f"def _validate_config(self, config: dict) -> {'dict' if spec.binds_cfg else 'None'}:"]
    if required:
        lines += [
            f"    missing = [key for key in {py_tuple(required)} if not config.get(key)]",
            "    if missing:",
            f'        raise ValueError(f"{spec.key} needs config {{missing}}")',
        ]
    else:
        lines += [
            '    unknown = sorted(set(config) - {"keys", "options"})',
            "    if unknown:",
            f'        raise ValueError(f"{spec.key} does not know the settings {{unknown}}")',
        ]
    if spec.kind in SERVER_KINDS and "hardcoded_password" not in spec.violations:
        lines += [
            '    if "resolved_connection" not in config:',
            f"        raise ValueError(\"{spec.key} needs a connection: set config['connection']\")",
        ]
    return [*lines, "    return dict(config)"] if spec.binds_cfg else lines


def emit_metrics_method(spec: DriverSpec) -> list[str]:
    return [
        "def _emit_metrics(self, ctx, df) -> None:",
        f'    ctx.log_metric("{METRICS[spec.category]}", len(df))',
        '    ctx.log_metric("columns", len(df.columns))',
    ]


def require_df_method(spec: DriverSpec) -> list[str]:
    return [
        "def _require_df(self, inputs: dict | None) -> None:",
        '    if inputs is None or "df" not in inputs:',
        f"        raise ValueError(\"{spec.key} needs inputs['df'] from an upstream step\")",
    ]


def coerce_types_method(spec: DriverSpec) -> list[str]:
    return [
        "def _coerce_types(self, df: pd.DataFrame) -> pd.DataFrame:",
        '    """Give every known column its dtype; other columns are left as they are."""',
        "    known = {column: dtype for column, dtype in DTYPES.items() if column in df.columns}",
        "    return df.astype(known)",
    ]


def rename_columns_method(spec: DriverSpec) -> list[str]:
    renamed = [c for c in spec.columns if "_" in c] or [spec.key_column]
    return [
        "def _rename_columns(self, df: pd.DataFrame) -> pd.DataFrame:",
        '    """The source sends camelCase names; the warehouse uses snake_case."""',
        "    return df.rename(columns={",
        *[f'        "{camel(c)[0].lower() + camel(c)[1:]}": "{c}",' for c in renamed],
        "    })",
    ]


def check_columns_method(spec: DriverSpec) -> list[str]:
    return [
        "def _check_columns(self, df: pd.DataFrame) -> pd.DataFrame:",
        "    missing = [column for column in KEY_COLUMNS if column not in df.columns]",
        "    if missing:",
        f'        raise ValueError(f"{spec.key}: the data lacks the key columns {{missing}}")',
        "    return df",
    ]


def parse_dates_method(spec: DriverSpec) -> list[str]:
    dates = [c for c in spec.columns if c.endswith(("_at", "_on"))] or [spec.changed_column]
    return [
        "def _parse_dates(self, df: pd.DataFrame) -> pd.DataFrame:",
        "    return df.assign(**{",
        *[f'        "{c}": pd.to_datetime(df["{c}"], utc=True, errors="coerce"),' for c in dates],
        "    })",
    ]


def strip_text_method(spec: DriverSpec) -> list[str]:
    return [
        "def _strip_text(self, df: pd.DataFrame) -> pd.DataFrame:",
        '    """Trailing blanks come from fixed-width source columns."""',
        '    text = df.select_dtypes(include="object").columns',
        "    return df.assign(**{column: df[column].str.strip() for column in text})",
    ]


def drop_deleted_method(spec: DriverSpec) -> list[str]:
    flag = "is_deleted" if "is_deleted" in spec.columns else "archived_at"
    kept = f'~df["{flag}"].fillna(False).astype(bool)' if flag == "is_deleted" else f'df["{flag}"].isna()'
    return [
        "def _drop_deleted(self, df: pd.DataFrame) -> pd.DataFrame:",
        f'    if "{flag}" not in df.columns:',
        "        return df",
        f"    return df[{kept}]",
    ]


def check_values_method(spec: DriverSpec) -> list[str]:
    lines = [
        "def _check_values(self, df: pd.DataFrame) -> pd.DataFrame:",
        '    """Refuse data that would corrupt the reports downstream."""',
        "    problems = []",
    ]
    for column in spec.columns:
        if dtype_of(column) == "float64":
            lines += [
                f'    if (df["{column}"] < 0).any():',
                f'        problems.append("{column} has negative values")',
            ]
        elif column.endswith("_id") or column == spec.key_column:
            lines += [
                f'    if df["{column}"].isna().any():',
                f'        problems.append("{column} has empty values")',
            ]
    return [
        *lines,
        "    if problems:",
        f'        raise ValueError("{spec.key}: " + "; ".join(problems))',
        "    return df",
    ]


FRAME_HELPERS = {
    "_coerce_types": coerce_types_method,
    "_rename_columns": rename_columns_method,
    "_check_columns": check_columns_method,
    "_parse_dates": parse_dates_method,
    "_strip_text": strip_text_method,
    "_drop_deleted": drop_deleted_method,
    "_check_values": check_values_method,
}


def render_driver(spec: DriverSpec) -> str:
    rng = random.Random(spec.style_seed)
    run = run_method(spec, rng)
    methods = [validate_method(spec)]
    if spec.metric_style == "helper" and "no_metric" not in spec.violations:
        methods.append(emit_metrics_method(spec))
    if "    self._require_df(inputs)" in "\n".join(run):
        methods.append(require_df_method(spec))
    methods += [FRAME_HELPERS[name](spec) for name in spec.helpers]
    members = [*(class_docstring(spec) if spec.documented else []), *run]
    for method in methods:
        members += ["", *method]
    registered = not spec.registered_in_init and "unregistered" not in spec.violations
    tail = ["", "", f'DriverRegistry.register("{spec.key}", {spec.class_name}())'] if registered else []
    body = [
        *module_constants(spec, rng),
        "",
        *statement_functions(spec),
        f"class {spec.class_name}:",
        *indent(members),
        *tail,
    ]
    lines = [*module_docstring(spec, rng), "", *import_lines("\n".join(body)), *body]
    return "\n".join(lines) + "\n"


def fit_to_length(spec: DriverSpec, target: int, rng: random.Random) -> str:
    """Add cleaning helpers and documentation until the file reaches ``target`` lines,
    never going past MAX_LINES."""
    text = render_driver(spec)
    extras = list(FRAME_HELPERS) + ["documented"]
    rng.shuffle(extras)
    for extra in extras:
        if text.count("\n") >= target:
            break
        candidate = (
            replace(spec, documented=True)
            if extra == "documented"
            else replace(spec, helpers=(*spec.helpers, extra))
        )
        longer = render_driver(candidate)
        if longer.count("\n") <= MAX_LINES:
            spec, text = candidate, longer
    return text


# --- planning the corpus -------------------------------------------------------------------------


def choose_violations(rng: random.Random, kind: str, category: str,
                      violating: float) -> frozenset[str]:
    """One or two typical violations for a ``violating`` share of the drivers."""
    if rng.random() >= violating:
        return frozenset()
    candidates = [v for v in VIOLATIONS[category] if kind in ONLY_IN_KINDS.get(v, (kind,))]
    return frozenset(rng.sample(candidates, rng.choice([1, 1, 2])))


def column_list(rng: random.Random, entity: str, wanted: int) -> tuple[str, ...]:
    base = ENTITIES[entity][: max(4, wanted)]
    return base + tuple(rng.sample(EXTRA_COLUMNS, max(0, min(wanted - len(base), len(EXTRA_COLUMNS)))))


def plan_driver(rng: random.Random, taken: set[str], violating: float) -> tuple[DriverSpec, int]:
    kind = rng.choice(list(FAMILIES))
    category, family, entity = (
        rng.choice(CATEGORIES[kind]),
        rng.choice(FAMILIES[kind]),
        rng.choice(list(ENTITIES)),
    )
    target = rng.randint(MIN_LINES, MAX_LINES)
    violations = choose_violations(rng, kind, category, violating)
    module, number = f"{family}_{entity}_{category}_driver", 2
    while module in taken:
        module, number = f"{family}_{entity}{number}_{category}_driver", number + 1
    taken.add(module)
    spec = DriverSpec(
        kind=kind,
        family=family,
        category=category,
        entity=entity,
        columns=column_list(rng, entity, max(5, target // 8)),
        module=module,
        violations=violations,
        registered_in_init=rng.random() < 0.2 and "unregistered" not in violations,
        keyword_only=rng.random() < 0.15,
        binds_cfg=rng.random() < 0.5 and "late_validation" not in violations,
        metric_style=rng.choice(["direct", "direct", "helper", "guarded"]),
        frame=rng.choice(["df", "df", "frame", "data", "result"]),
        uses_logger=rng.random() < 0.6 or "log_config" in violations,
        style_seed=rng.getrandbits(32),
    )
    return spec, target


def render_init(package: str, specs: list[DriverSpec]) -> str:
    """Registers the drivers the package registers itself; imports the other driver
    modules so that importing the package registers them too."""
    registered = sorted((spec for spec in specs if spec.registered_in_init), key=lambda spec: spec.module)
    imported = sorted(spec.module for spec in specs if not spec.registered_in_init)
    lines = [f'"""Drivers of the {package.split("_")[0]} team."""', ""]
    if imported:
        lines += ["from . import (  # noqa: F401  (imported for their registrations)"]
        lines += [*[f"    {module}," for module in imported], ")"]
    if registered:
        lines += [
            "from osiris.core.driver import DriverRegistry",
            "",
            *[f"from .{spec.module} import {spec.class_name}" for spec in registered],
            "",
            *[f'DriverRegistry.register("{spec.key}", {spec.class_name}())' for spec in registered],
        ]
    return "\n".join(lines) + "\n"


def render_quoting_module(specs: list[DriverSpec]) -> str:
    lines = [
        '"""Identifier quoting shared by the package\'s SQL drivers."""',
        "",
        "",
        "def quote_identifier(name: str) -> str:",
        "    return '\"' + name.replace('\"', '\"\"') + '\"'",
        "",
        "",
        "def quote_list(names) -> str:",
        '    return ", ".join(quote_identifier(name) for name in names)',
    ]
    for spec in {spec.entity: spec for spec in specs}.values():
        lines += [
            "",
            "",
            f"def {spec.entity}_select_list() -> str:",
            f"    return quote_list({list(spec.columns)!r})",
        ]
    return "\n".join(lines) + "\n"


def render_masking_module(specs: list[DriverSpec], rng: random.Random) -> str:
    secrets = sorted(
        rng.sample(["password", "token", "api_key", "secret", "private_key", "passwd"], rng.randint(2, 6))
    )
    lines = [
        '"""Masking of secrets before they reach a log line or an event."""',
        "",
        f"SECRET_KEYS = frozenset({secrets!r})",
        'MASK = "***"',
        "",
        "",
        "def redact(settings: dict) -> dict:",
        "    return {key: MASK if key in SECRET_KEYS else value for key, value in settings.items()}",
    ]
    if rng.random() < 0.5:
        lines += [
            "",
            "",
            "def mask_url(url: str) -> str:",
            '    """The URL with the password of its user part, if any, masked."""',
            '    scheme, separator, rest = url.partition("://")',
            '    credentials, at, host = rest.rpartition("@")',
            "    if not at:",
            "        return url",
            '    user = credentials.split(":", 1)[0]',
            '    return f"{scheme}{separator}{user}:{MASK}@{host}"',
        ]
    for family in sorted({spec.family for spec in specs}):
        lines += [
            "",
            "",
            f"def describe_{family}_source(settings: dict) -> str:",
            f"    return f\"{family} at {{redact(settings).get('host', 'localhost')}}\"",
        ]
    return "\n".join(lines) + "\n"


def render_test(spec: DriverSpec, rng: random.Random) -> str:
    """A test module with some of the tests a driver author writes first."""
    config = {
        "extractor": {"since": "2024-01-01", "path": "data.csv", "database": "lake.duckdb"},
        "writer": {"table": spec.entity, "path": "out.csv", "database": "lake.duckdb"},
        "transformer": {"keys": [spec.key_column]},
    }[spec.category]
    frame = ", ".join(f'"{c}": ["a", "b"]' for c in spec.columns[: rng.randint(1, 4)])
    call = f'{spec.class_name}().run(step_id="t", config={{config}}, inputs={{inputs}}, ctx=osiris_ctx)'
    tests = [
        [
            "def test_missing_configuration_is_reported(osiris_ctx):",
            "    with pytest.raises(ValueError):",
            "        " + call.format(config="{}", inputs="None"),
            '    assert osiris_ctx.events_named("step_failed")',
        ]
    ]
    if spec.category != "extractor":
        tests.append(
            [
                "def test_requires_an_input_frame(osiris_ctx):",
                "    with pytest.raises(ValueError):",
                "        " + call.format(config="CONFIG", inputs="{}"),
            ]
        )
        tests.append(
            [
                "def test_leaves_the_input_frame_alone(osiris_ctx):",
                f"    df = pd.DataFrame({{{frame}}})",
                "    before = df.copy()",
                "    try:",
                "        " + call.format(config="CONFIG", inputs='{"df": df}'),
                "    except Exception as error:  # no backend in unit tests",
                "        print(error)",
                "    pd.testing.assert_frame_equal(df, before)",
            ]
        )
    if spec.category == "writer":
        tests.append(
            [
                '@pytest.mark.parametrize("mode", ["merge", "replace", ""])',
                "def test_rejects_an_unknown_write_mode(osiris_ctx, mode):",
                f"    df = pd.DataFrame({{{frame}}})",
                "    with pytest.raises(ValueError):",
                "        " + call.format(config='{**CONFIG, "write_mode": mode}', inputs='{"df": df}'),
            ]
        )
    rng.shuffle(tests)
    lines = [f'"""Tests of {spec.class_name}."""', "", "import pandas as pd", "import pytest", ""]
    lines += [f"from .{spec.module} import {spec.class_name}", "", f"CONFIG = {config!r}"]
    for test in tests[: rng.randint(1, len(tests))]:
        lines += ["", "", *test]
    return "\n".join(lines) + "\n"


def package_contents(
    package: str, size: int, rng: random.Random, taken: set[str], violating: float
) -> dict[str, str]:
    """The files of one package: drivers, maybe a helper module and a test, and ``__init__.py``.
    ``taken`` holds the driver module names used so far in the corpus."""
    helper_module = size >= 10 and rng.random() < 0.7
    test = size >= 12 and rng.random() < 0.3
    specs: list[DriverSpec] = []
    contents: dict[str, str] = {}
    for _ in range(size - 1 - helper_module - test):
        spec, target = plan_driver(rng, taken, violating)
        specs.append(spec)
        contents[f"{spec.module}.py"] = fit_to_length(spec, target, rng)
    if helper_module:
        use_quoting = rng.random() < 0.5
        contents["quoting.py" if use_quoting else "masking.py"] = (
            render_quoting_module(specs) if use_quoting else render_masking_module(specs, rng)
        )
    if test and specs:
        tested = rng.choice(specs)
        contents[f"test_{tested.module}.py"] = render_test(tested, rng)
    contents["__init__.py"] = render_init(package, specs)
    return contents


def generate(out_dir: Path, files: int = 1000, seed: int = 7, violating: float = 0.5) -> list[Path]:
    """Write ``files`` Python files in packages under ``out_dir``; return their paths."""
    rng = random.Random(seed)
    written: list[Path] = []
    taken: set[str] = set()
    remaining, number = files, 0
    while remaining:
        size = rng.randint(8, 20)
        size = remaining if remaining - size < 8 else size
        package = f"{rng.choice(PACKAGE_WORDS)}_{number:03d}"
        folder = out_dir / package
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in sorted(package_contents(package, size, rng, taken, violating).items()):
            (folder / name).write_text(text, encoding="utf-8")
            written.append(folder / name)
        remaining, number = remaining - size, number + 1
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a corpus of realistic Osiris driver files.")
    parser.add_argument("out_dir", type=Path, help="folder to write the corpus into (created if missing)")
    parser.add_argument(
        "--files", type=int, default=1000, help="how many Python files to write (default 1000)"
    )
    parser.add_argument(
        "--seed", type=int, default=7, help="random seed; the same seed writes the same corpus"
    )
    parser.add_argument(
        "--violating", type=float, default=0.5,
        help="share of the drivers given one or two typical violations (default 0.5)",
    )
    args = parser.parse_args(argv)
    if args.files < 1:
        parser.error("--files must be at least 1")
    paths = generate(args.out_dir, args.files, args.seed, args.violating)
    print(f"wrote {len(paths)} files under {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
