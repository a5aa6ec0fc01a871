"""The backends osiris-gen knows, as data: what a template needs to render a complete
driver for them, and what ``osiris-gen list`` and the component spec tell the user.

Nothing here renders or writes; adding a backend means adding an entry here and its
templates under ``osiris.templates``.
"""

from __future__ import annotations

from dataclasses import dataclass

CATEGORIES = ("extractor", "writer", "transformer")

# The metric each category must emit before returning (contract rule OSD010).
METRICS = {"extractor": "rows_read", "writer": "rows_written", "transformer": "rows_processed"}

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


SERVER_SETTINGS = (
    Setting("host", "string", "Server host name or address", required=True),
    Setting("user", "string", "User to connect as", required=True),
    Setting("password", "string", "Password of the user (never logged)", secret=True),
    Setting("database", "string", "Database to connect to", required=True),
    Setting("connect_timeout", "integer", "Seconds to wait for the connection", default=10),
)
FILE_SETTINGS = (Setting("path", "string", "Path of the database file", required=True),)

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
    categories: tuple[str, ...]
    client: str  # the module the driver imports
    package: str  # the pip requirement that provides it ("" for the standard library)
    extra: str | None  # the osiris-driver-kit extra that installs it
    connection: tuple[Setting, ...]
    quoting: str
    read_only_session: str
    upsert: str
    bulk_load: str
    test_server: str | None  # "postgres" / "mysql": generated tests need that server
    aliases: tuple[str, ...] = ()
    default_port: int | None = None
    column_types: dict[str, str] | None = None  # for writers that create their table

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

    @property
    def requirement(self) -> str:
        return self.package or "(standard library)"


BACKENDS = (
    Backend(
        name="postgres", title="PostgreSQL", categories=("extractor", "writer"),
        client="psycopg", package="psycopg[binary]>=3.1", extra="postgres",
        connection=SERVER_SETTINGS, default_port=5432, aliases=("postgresql", "supabase"),
        quoting="psycopg sql.Identifier", read_only_session="SET TRANSACTION READ ONLY",
        upsert="staging table + one INSERT ... ON CONFLICT", bulk_load="COPY fed by pyarrow CSV",
        test_server="postgres",
        column_types=column_types("BOOLEAN", "BIGINT", "DOUBLE PRECISION", "NUMERIC", "DATE",
                                  "TIMESTAMP", "TIMESTAMPTZ", "TEXT", "TEXT"),
    ),
    Backend(
        name="mysql", title="MySQL/MariaDB", categories=("extractor", "writer"),
        client="pymysql", package="PyMySQL>=1.1", extra="mysql",
        connection=SERVER_SETTINGS, default_port=3306, aliases=("mariadb",),
        quoting="backticks", read_only_session="START TRANSACTION READ ONLY",
        upsert="INSERT ... ON DUPLICATE KEY UPDATE", bulk_load="batched executemany",
        test_server="mysql",
        column_types=column_types("BOOLEAN", "BIGINT", "DOUBLE", "DECIMAL(38, 10)", "DATE",
                                  "DATETIME(6)", "DATETIME(6)", "LONGTEXT", "VARCHAR(255)"),
    ),
    Backend(
        name="sqlite", title="SQLite", categories=("extractor", "writer"),
        client="sqlite3", package="", extra=None, connection=FILE_SETTINGS,
        quoting="double quotes", read_only_session="PRAGMA query_only = ON",
        upsert="INSERT ... ON CONFLICT DO UPDATE", bulk_load="batched executemany",
        test_server=None,
        column_types=column_types("INTEGER", "INTEGER", "REAL", "NUMERIC", "TEXT",
                                  "TIMESTAMP", "TIMESTAMP", "TEXT", "TEXT"),
    ),
    Backend(
        name="duckdb", title="DuckDB", categories=("extractor", "writer"),
        client="duckdb", package="duckdb>=1.0", extra="duckdb", connection=FILE_SETTINGS,
        quoting="double quotes", read_only_session="read_only=True connection",
        upsert="INSERT ... ON CONFLICT DO UPDATE", bulk_load="INSERT ... SELECT from the DataFrame",
        test_server=None,
        column_types=column_types("BOOLEAN", "BIGINT", "DOUBLE", "DECIMAL(38, 10)", "DATE",
                                  "TIMESTAMP", "TIMESTAMPTZ", "VARCHAR", "VARCHAR"),
    ),
    Backend(
        name="csv", title="CSV file", categories=("extractor", "writer"),
        client="pandas", package="", extra=None, connection=(),
        quoting="-", read_only_session="file opened for reading",
        upsert="rows replaced by key, file rewritten atomically",
        bulk_load="temp file + os.replace", test_server=None,
    ),
    Backend(
        name="sql", title="SQL over the input DataFrames (DuckDB)", categories=("transformer",),
        client="duckdb", package="duckdb>=1.0", extra="duckdb", connection=(),
        quoting="double quotes", read_only_session="in-memory, external access disabled",
        upsert="-", bulk_load="-", test_server=None,
    ),
)


def known_backend(name: str, category: str) -> Backend | None:
    """The complete backend for ``name`` in ``category``, or None (a generic skeleton)."""
    return next((b for b in BACKENDS if b.name == name and category in b.categories), None)


def canonical_name(name: str) -> str:
    """``postgresql`` and ``supabase`` are ``postgres``, ``mariadb`` is ``mysql``."""
    return next((b.name for b in BACKENDS if name in b.aliases), name)
