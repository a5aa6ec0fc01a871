"""Shared fixtures: the database servers the real-backend tests talk to.

Settings come from the environment with the defaults of DEVELOPERS.md. A test
that needs a server skips with the reason when none is reachable, unless
OSIRIS_REQUIRE_DBS=1 (set by .ci/run): then it fails instead.
"""

import os

import pytest

REQUIRE_DBS = os.environ.get("OSIRIS_REQUIRE_DBS") == "1"


def _unreachable(server: str, error: Exception, start: str):
    reason = f"{server} is not reachable ({type(error).__name__}: {error}); start it with: {start}"
    if REQUIRE_DBS:
        pytest.fail(f"{reason} (OSIRIS_REQUIRE_DBS=1 forbids skipping)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_settings():
    """Connection settings of a reachable PostgreSQL (libpq's PG* variables)."""
    settings = {
        "host": os.environ.get("PGHOST", "127.0.0.1"),
        "port": int(os.environ.get("PGPORT", "5432")),
        "user": os.environ.get("PGUSER", "postgres"),
        "password": os.environ.get("PGPASSWORD", ""),
        "dbname": os.environ.get("PGDATABASE", "test"),
    }
    try:
        import psycopg

        psycopg.connect(**settings, connect_timeout=3).close()
    except Exception as error:  # any failure to connect means "not reachable"
        _unreachable("PostgreSQL", error,
                     "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start")
    return settings


@pytest.fixture(scope="session")
def mysql_settings():
    """Connection settings of a reachable MariaDB/MySQL (MYSQL_* variables)."""
    settings = {
        "host": os.environ.get("MYSQL_HOST", "127.0.0.1"),
        "port": int(os.environ.get("MYSQL_PORT", "3306")),
        "user": os.environ.get("MYSQL_USER", "root"),
        "password": os.environ.get("MYSQL_PASSWORD", ""),
        "database": os.environ.get("MYSQL_DATABASE", "test"),
    }
    try:
        import pymysql

        pymysql.connect(**settings, connect_timeout=3).close()
    except Exception as error:  # any failure to connect means "not reachable"
        _unreachable("MariaDB", error,
                     "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd")
    return settings


@pytest.fixture
def server():
    """A local server that accepts connections and never answers (osiris-run check's)."""
    from osiris_driver_kit.runtime.check.silent_server import SilentServer

    with SilentServer() as silent:
        yield silent


def pytest_addoption(parser: pytest.Parser) -> None:
    # Here, not in tests/lint/fuzz/conftest.py: pytest only asks the conftest files of
    # the folders it starts from (and the root's) for options, so `pytest --fuzz-budget N`
    # from the repository would not know an option registered deeper.
    parser.addoption("--fuzz-budget", type=int, default=None, metavar="N",
                     help="osiris-lint fuzz harness (tests/lint/fuzz): generated files or "
                          "examples per property (default: a small budget for CI).")
