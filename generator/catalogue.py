"""The backends osiris-gen knows, as data: what a template needs to render a complete
driver for them, and what ``osiris-gen list`` and the component spec tell the user.

Nothing here renders or writes; adding a backend means adding an entry here and its
templates under ``osiris_driver_kit.templates``.
"""

from __future__ import annotations

from dataclasses import dataclass

# The public Osiris component-spec mode of each category.
SPEC_MODES = {"extractor": "extract", "writer": "write", "transformer": "transform"}


@dataclass(frozen=True)
class Setting:
    """One configuration key a driver reads, as the component spec documents it."""

    name: str
    type: str  # JSON-schema type
    description: str
    secret: bool = False
    default: object = None
    required: bool = False
    enum: tuple[str, ...] = ()


SERVER_SETTINGS = (
    Setting("host", "string", "Server host name or address", required=True),
    Setting("user", "string", "User to connect as", required=True),
    Setting("password", "string", "Password of the user (never logged)", secret=True),
    Setting("database", "string", "Database to connect to", required=True),
    Setting("connect_timeout", "integer", "Seconds to wait for the connection", default=10),
)
FILE_SETTINGS = (Setting("path", "string", "Path of the database file", required=True),)
# PyMySQL waits for ever on a server that accepts the connection and never answers (its
# connect_timeout ends at the TCP connect): every read and write gets this bound instead.
READ_TIMEOUT = Setting("read_timeout", "integer", "Seconds to wait for each answer of the "
                       "server, the handshake included: a server that stops answering fails "
                       "the step after this", default=300)
# libpq's connect_timeout bounds the handshake; after it nothing bounds a wait for the
# server but this (the drivers' psycopg connection applies it to each wait).
POSTGRES_READ_TIMEOUT = Setting(
    "read_timeout", "integer", "Seconds to wait for each answer of the server once "
    "connected (a statement's result, each chunk of a COPY, the commit): a server that "
    "stops answering fails the step after this, and so does a statement that runs longer",
    default=300)

COLUMNS = Setting("columns", "array", "Columns to read (default: all)")
LIMIT = Setting("limit", "integer", "Read at most this many rows")
DELIMITER = Setting("delimiter", "string", "Field separator", default=",")
ENCODING = Setting("encoding", "string", "Text encoding", default="utf-8")
# The write mode that replaces the rows: the contract calls it "overwrite", osiris-pipeline
# "replace" (contract.targets); the drivers accept the other word as its alias.
REPLACING_MODES = ("overwrite", "replace")
# Its description names the target's word ({mode}) and the alias when rendered.
WRITE_MODE = Setting(
    "write_mode", "string", "How rows meet the existing ones ('{alias}' is an alias of "
    "'{mode}')", default="append", enum=("append", "overwrite", "replace", "upsert"))
WRITE_SETTINGS = (WRITE_MODE, Setting("primary_key", "array",
                                      "Key column(s) that upsert matches rows on"))
SQL_SOURCE = (
    Setting("query", "string", "A SELECT to run; it must only read (or give table)"),
    Setting("table", "string", "Table to read (or give query)"),
    COLUMNS, LIMIT,
)
SQL_TARGET = (Setting("table", "string", "Table to write", required=True), *WRITE_SETTINGS)
FILE_PATH = Setting("path", "string", "Path of the CSV file", required=True)
CSV_TYPES = Setting("types", "object", "Kind of each named column (integer, float, decimal, "
                    "boolean, date, timestamp, timestamptz, text); the others are inferred "
                    "from their text")
CSV_SOURCE = (FILE_PATH, COLUMNS, LIMIT, CSV_TYPES, DELIMITER, ENCODING)
CSV_TARGET = (FILE_PATH, *WRITE_SETTINGS, DELIMITER, ENCODING)
SQL_TRANSFORM = (
    Setting("query", "string", "SQL over the input DataFrame; it must only read",
            required=True),
    Setting("input_name", "string", "Table name of the input in the query",
            default="input_df"),
)
# What a generic skeleton documents: a DB-API source or target with server settings.
GENERIC_STEP_SETTINGS = {"extractor": SQL_SOURCE, "writer": SQL_TARGET, "transformer": ()}

# SQL column types for CREATE TABLE, by the kind of a DataFrame column ("key_text" is a
# text column in the upsert key, which MySQL cannot index as TEXT).
COLUMN_KINDS = ("boolean", "integer", "float", "decimal", "date", "timestamp", "timestamptz",
                "text", "key_text")


def column_types(*types: str) -> dict[str, str]:
    return dict(zip(COLUMN_KINDS, types, strict=True))


@dataclass(frozen=True)
class Backend:
    """A data store or engine the generated drivers talk to."""

    name: str
    title: str
    step_settings: dict[str, tuple[Setting, ...]]  # by category: what a step configures
    imports: tuple[str, ...]  # the client modules the driver imports, the client first
    packages: tuple[str, ...]  # the pip requirements that provide them (none: stdlib)
    extra: str | None  # the osiris-driver-kit extra that installs it
    connection: tuple[Setting, ...]
    quoting: str
    read_only_session: str
    upsert: str
    bulk_load: str
    test_fixture: str | None  # the database the generated tests set up (templates/tests/partials)
    aliases: tuple[str, ...] = ()
    default_port: int | None = None
    column_types: dict[str, str] | None = None  # for writers that create their table
    # (precision, scale) of the widest DECIMAL a created column may declare; "decimal"
    # in column_types is formatted with the precision and scale the values need.
    decimal_limits: tuple[int, int] = (1000, 1000)
    complete: bool = True  # False: a skeleton the user fills in
    # osiris-gen adds its driver's scenario to check.yaml (templates/check/<name>.yaml.j2):
    # what `osiris-run check` has no default fixture for (servers, a transformer's query).
    check_scenario: bool = False

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(self.step_settings)

    @property
    def settings(self) -> tuple[Setting, ...]:
        """Connection settings, with the port where the backend has one."""
        if self.default_port is None:
            return self.connection
        port = Setting("port", "integer", "Server port", default=self.default_port)
        return (*self.connection[:1], port, *self.connection[1:])

    @property
    def required_settings(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.connection if s.required)


BACKENDS = (
    Backend(
        name="postgres", title="PostgreSQL", step_settings={"extractor": SQL_SOURCE, "writer": SQL_TARGET},
        imports=("psycopg", "pyarrow"), packages=("psycopg[binary]>=3.3.6", "pyarrow>=15"), extra="postgres",
        # libpq's connect_timeout bounds the whole startup, read_timeout each wait after
        # it; statement_timeout is the server's bound on each statement (a lock wait
        # included), 0 for none.
        connection=(*SERVER_SETTINGS, POSTGRES_READ_TIMEOUT, Setting(
            "statement_timeout", "integer", "Seconds the server lets one statement run "
            "(waiting on locks included) before it cancels it; 0 for no limit", default=0)),
        default_port=5432, aliases=("postgresql", "supabase"),
        quoting="psycopg sql.Identifier", read_only_session="SET TRANSACTION READ ONLY",
        upsert="staging table + one INSERT ... ON CONFLICT", bulk_load="COPY fed by pyarrow CSV",
        test_fixture="postgres", check_scenario=True,
        column_types=column_types("BOOLEAN", "BIGINT", "DOUBLE PRECISION", "NUMERIC", "DATE",
                                  "TIMESTAMP", "TIMESTAMPTZ", "TEXT", "TEXT"),
    ),
    Backend(
        name="mysql", title="MySQL/MariaDB", step_settings={"extractor": SQL_SOURCE, "writer": SQL_TARGET},
        imports=("pymysql",), packages=("PyMySQL>=1.1",), extra="mysql",
        connection=(*SERVER_SETTINGS, READ_TIMEOUT), default_port=3306, aliases=("mariadb",),
        quoting="backticks", read_only_session="START TRANSACTION READ ONLY",
        upsert="INSERT ... ON DUPLICATE KEY UPDATE", bulk_load="batched executemany",
        test_fixture="mysql", check_scenario=True,
        decimal_limits=(65, 30),
        column_types=column_types("BOOLEAN", "BIGINT", "DOUBLE", "DECIMAL({precision}, {scale})",
                                  "DATE", "DATETIME(6)", "TIMESTAMP(6)",
                                  # every character; keys compare byte for byte ('a' != 'A')
                                  "LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
                                  "VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"),
    ),
    Backend(
        name="sqlite", title="SQLite",
        step_settings={"extractor": SQL_SOURCE, "writer": SQL_TARGET},
        imports=("sqlite3",), packages=(), extra=None, connection=FILE_SETTINGS,
        quoting="double quotes", read_only_session="PRAGMA query_only = ON",
        upsert="INSERT ... ON CONFLICT DO UPDATE", bulk_load="batched executemany",
        test_fixture="sqlite",
        # Declared so the extractor knows each column's type back; decimals as TEXT
        # (the "TEXT" in the name gives the column text affinity: NUMERIC would make
        # them REAL), timestamps as ISO text, booleans as 0/1.
        column_types=column_types("BOOLEAN", "INTEGER", "REAL", "DECIMAL_TEXT", "DATE",
                                  "TIMESTAMP", "TIMESTAMPTZ", "TEXT", "TEXT"),
    ),
    Backend(
        name="duckdb", title="DuckDB",
        step_settings={"extractor": SQL_SOURCE, "writer": SQL_TARGET},
        imports=("duckdb",), packages=("duckdb>=1.0",), extra="duckdb", connection=FILE_SETTINGS,
        quoting="double quotes", read_only_session="read_only=True connection",
        upsert="INSERT ... ON CONFLICT DO UPDATE", bulk_load="INSERT ... SELECT from the DataFrame",
        test_fixture="duckdb",
        decimal_limits=(38, 38),
        column_types=column_types("BOOLEAN", "BIGINT", "DOUBLE", "DECIMAL({precision}, {scale})",
                                  "DATE", "TIMESTAMP", "TIMESTAMPTZ", "VARCHAR", "VARCHAR"),
    ),
    Backend(
        name="csv", title="CSV file",
        step_settings={"extractor": CSV_SOURCE, "writer": CSV_TARGET},
        imports=("pandas",), packages=(), extra=None, connection=(),
        quoting="-", read_only_session="file opened for reading",
        upsert="rows replaced by key text, the others kept byte for byte",
        bulk_load="temp file + os.replace", test_fixture=None,
    ),
    Backend(
        name="sql", title="SQL over the input DataFrame (DuckDB)",
        step_settings={"transformer": SQL_TRANSFORM},
        imports=("duckdb",), packages=("duckdb>=1.0",), extra="duckdb", connection=(),
        quoting="double quotes", read_only_session="in-memory, external access disabled",
        upsert="-", bulk_load="-", test_fixture=None, check_scenario=True,
    ),
)


def known_backend(name: str, category: str) -> Backend | None:
    """The complete backend for ``name`` in ``category``, or None (a generic skeleton)."""
    return next((b for b in BACKENDS if b.name == name and category in b.categories), None)


def skeleton(name: str, category: str) -> Backend:
    """What the skeleton for a backend osiris-gen does not know documents and reads:
    a DB-API client with server settings (a transformer has none)."""
    return Backend(
        name=name, title=name, step_settings={category: GENERIC_STEP_SETTINGS[category]},
        imports=(), packages=(), extra=None,
        connection=SERVER_SETTINGS if category != "transformer" else (),
        quoting="double quotes", read_only_session="-", upsert="-", bulk_load="-",
        test_fixture=None, complete=False,
    )


def canonical_name(name: str) -> str:
    """``postgresql`` and ``supabase`` are ``postgres``, ``mariadb`` is ``mysql``."""
    return next((b.name for b in BACKENDS if name in b.aliases), name)
