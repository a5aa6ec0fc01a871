"""OSD032 hardcoded-credentials."""

from __future__ import annotations

import re

import libcst as cst

from ..analysis.drivers import assigned_value, literal_string
from ..engine.rule import Example, FileContext, Rule

CREDENTIAL_NAMES = frozenset({"password", "passwd", "token", "api_key"})
# Keys that make a (small) dict literal read as connection settings; longer dicts are
# lookup tables (a SQL keyword table has "user" and "password" among its 500 keys).
CONNECTION_KEYS = frozenset({"host", "hostname", "port", "user", "username", "login", "database",
                             "dbname", "dsn", "url", "uri", "server", "account"})
SETTINGS_SIZE = 20
# Values of a settings-schema dict (``{"host": "string", "password": "secret"}``): types, not secrets.
SCHEMA_WORDS = frozenset({"string", "integer", "number", "boolean", "object", "array", "null", "secret"})
# scheme://user:password@host, the password part in group 1. An f-string's
# expressions are replaced by HOLE before matching, so `{password}` is never literal.
HOLE = "\x00"
URL_PASSWORD = re.compile(r"[a-z][a-z0-9+.\-]*://[^\s:/@]*:([^\s/@]*)@[^\s/@]", re.IGNORECASE)
# Password parts that document a URL's shape instead of holding a secret.
PLACEHOLDER = re.compile(r"\*+|%s|%\(\w+\)s|\{\w*\}|\$\{?\w+\}?|<[^<>]*>|password|passwd|pass|pwd",
                         re.IGNORECASE)


def is_secret_text(text: str) -> bool:
    """Whether a literal put where a credential goes is one: not empty, not masked
    (``***``), not a whole placeholder (``${PG_PASSWORD}``)."""
    return bool(text) and not re.fullmatch(r"\*+|\$\{\w+\}", text)


def url_password(text: str) -> str | None:
    """The literal password of the first URL in ``text`` that embeds one."""
    for match in URL_PASSWORD.finditer(text):
        password = match.group(1)
        if password and HOLE not in password and not PLACEHOLDER.fullmatch(password):
            return password
    return None


class HardcodedCredentials(Rule):
    code = "OSD032"
    message = "{what} is written into the source; the contract wants secrets taken from " \
              "config[\"resolved_connection\"] (filled from the environment), never literals"
    whole_module = True
    subscribes = (cst.Arg, cst.DictElement, cst.SimpleString, cst.FormattedString)
    explanation = """
## What it checks
Credentials written into a driver module (test files excepted):
- a string literal passed as `password=`, `passwd=`, `token=` or `api_key=` to any call;
- the same literal as the value of a `"password"`, `"passwd"`, `"token"` or `"api_key"`
  entry of a dict literal of settings (`{"host": "db", "password": "postgres"}`, then
  `connect(**params)`; see Decisions);
- a name bound at module level to such a literal and passed the same way
  (`PASSWORD = "s3cret"` ... `password=PASSWORD`), reported where it is passed;
- a literal password embedded in a URL: `"postgresql://etl:s3cret@db/dw"`, also in
  f-strings whose password part is text (`f"mysql://{user}:s3cret@{host}/db"`).

## Why
A password in source code is in every clone, fork, backup, CI log and wheel of the
repository, forever: removing it later does not remove it from history. Osiris resolves
connections from the environment into `config["resolved_connection"]`, so a driver never
needs a literal.

## Accepted
- Empty strings and masks made only of asterisks (`"***"`), and a value that is only an
  environment placeholder (`"${PG_PASSWORD}"`).
- URL password parts that are template fields or placeholders, not secrets: `{password}`
  or any f-string expression, `%s`, `%(password)s`, `${PG_PASSWORD}`, `<password>`, and
  the words `password`, `passwd`, `pass`, `pwd` (`"postgresql://user:password@host/db"` in a
  help text or error message documents the URL's shape).
- Test files (`test_*.py`, `*_test.py`, `conftest.py`), where fixtures use throwaway
  credentials.

## Decisions
- Dict literals count when they hold settings: `{"host": "db", "password": "postgres"}` is
  a credential passed as `password=` one step later (`connect(**params)`), and
  default-connection dicts are where hardcoded passwords usually live. A dict holds
  settings when it is passed straight to a call (`params={"api_key": "..."}`), or when it
  has at most 20 entries and a connection key (`host`, `port`, `user`, `username`,
  `database`, `dbname`, `dsn`, `url`, `uri`, `server`, `account`...). Other dicts that
  merely have a credential key (labels such as `{"password": "Password"}`, keyword tables
  with hundreds of entries) and settings schemas whose values are type names
  (`{"host": "string", "password": "secret"}`) do not count.
- Docstrings count: a URL with a literal password in a docstring is in the source all
  the same (placeholders such as `user:password@host` are accepted as above). Comments
  are not read.
- Only the four names the catalogue lists are credential names; `secret=`,
  `client_secret=`, `access_token=` and the like are left to OSD030's secret tracking.

## Not followed
Literals bound to local variables (`pw = "x"; connect(password=pw)`), dicts of credentials
alone kept under a name (`AUTH = {"api_key": "..."}`), class attributes
and dataclass defaults, defaults of `os.environ.get("PG_PASSWORD", "postgres")`,
credentials split across string concatenation, and bytes literals.

## Example
```python
conn = psycopg.connect(host="db", user="etl", password="etl-2024!")   # OSD032
```
## Fix
```python
params = config["resolved_connection"]
conn = psycopg.connect(host=params["host"], user=params["user"],
                       password=params["password"], connect_timeout=10)
```
"""
    VALID = [
        Example("""
            import os

            import psycopg
            import requests


            class PostgresExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    conn_info = config["resolved_connection"]
                    with psycopg.connect(host=conn_info["host"], user=conn_info["user"],
                                         password=conn_info.get("password", ""),
                                         connect_timeout=10) as conn:
                        df = self._read(conn, config["query"])
                    requests.post(config["webhook"], timeout=10,
                                  json={"rows": len(df), "token": os.environ["HOOK_TOKEN"]})
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}
        """, path="postgres_extractor_driver.py"),
        Example("""
            from sqlalchemy import create_engine


            class MysqlWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    c = config["resolved_connection"]
                    url = f"mysql+pymysql://{c['user']}:{c['password']}@{c['host']}/{c['database']}"
                    ctx.log_event("connecting", {"url": f"mysql+pymysql://{c['user']}:***@{c['host']}",
                                                 "auth": {"password": "***", "token": ""}})
                    if "://" not in url:
                        raise ValueError("expected a URL like mysql+pymysql://user:password@host/db")
                    engine = create_engine(url, connect_args={"connect_timeout": 10})
                    return self._write(engine, inputs, ctx)
        """, path="mysql_writer_driver.py"),
        Example("""
            DSN_TEMPLATE = "postgresql://%s:%s@%s:%s/%s"
            LEGACY_DSN = "postgresql://{user}:{password}@{host}/{db}"
            CONNECTION_HELP = "set PG_URL to postgresql://<user>:<password>@<host>/<db>"
            DEFAULTS = {"host": "localhost", "port": 5432, "password": "${PG_PASSWORD}"}
            CONNECTION_SCHEMA = {"host": "string", "port": "integer", "password": "secret"}
            FIELD_LABELS = {"password": "Password", "token": "API token", "api_key": "API key"}
        """, path="postgres_settings.py"),
        Example("""
            import psycopg


            def test_writer_against_a_throwaway_database(postgresql):
                conn = psycopg.connect(host="127.0.0.1", user="postgres", password="postgres")
                url = "postgresql://postgres:postgres@127.0.0.1/test"
        """, path="test_postgres_writer_driver.py"),
    ]
    INVALID = [
        Example("""
            import psycopg


            class PostgresWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    with psycopg.connect(host="warehouse.internal", user="etl",
                                         password="etl-2024!",  # expect: OSD032
                                         connect_timeout=10) as conn:
                        self._write(conn, inputs["df"])
                    return {}
        """, path="postgres_writer_driver.py"),
        Example("""
            from sqlalchemy import create_engine

            ENGINE_URL = "postgresql+psycopg://etl:Summer2024@warehouse:5432/dw"  # expect: OSD032


            class DuckdbWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    user, host = config["user"], config["host"]
                    mirror = create_engine(f"mysql+pymysql://{user}:hunter2@{host}/sales")  # expect: OSD032
                    return {}
        """, path="duckdb_writer_driver.py"),
        Example("""
            import requests

            API_TOKEN = "ghp_4f9a1c2e7b"
            DEFAULT_CONNECTION = {
                "host": "localhost",
                "user": "admin",
                "password": "admin123",  # expect: OSD032
            }


            class GithubExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    client = self._client(token=API_TOKEN)  # expect: OSD032
                    params = dict(DEFAULT_CONNECTION, api_key="k-77d2")  # expect: OSD032
                    labels = client.get("/labels", params={"api_key": "k-91ac",  # expect: OSD032
                                                           "per_page": 100})
                    return {"df": client.issues(params, labels)}
        """, path="github_extractor_driver.py"),
        Example("""
            import pymysql


            def connect_for_debugging():
                '''Connects as mysql://root:toor@127.0.0.1/sales.'''  # expect: OSD032
                return pymysql.connect(host="127.0.0.1", user="root", passwd="toor",  # expect: OSD032
                                       connect_timeout=5)


            class SalesExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {"df": self._read(connect_for_debugging(), config["query"])}
        """, path="sales_extractor_driver.py"),
    ]

    def visit(self, node, file: FileContext, driver) -> None:
        if type(node) is cst.Arg:
            if node.keyword is not None and node.keyword.value in CREDENTIAL_NAMES:
                self._check_value(node.value, f"{node.keyword.value}=", file)
        elif type(node) is cst.DictElement:
            key = literal_string(node.key)
            if key is not None and key.lower() in CREDENTIAL_NAMES and _is_settings_dict(file) \
                    and literal_string(node.value) not in SCHEMA_WORDS:
                self._check_value(node.value, f'the "{key}" entry ', file)
        elif type(node) is cst.SimpleString:
            if "://" in node.value and "@" in node.value:
                self._check_url(node, literal_string(node), file)
        elif any(type(p) is cst.FormattedStringText and "@" in p.value for p in node.parts):
            text = "".join(p.value if type(p) is cst.FormattedStringText else HOLE
                           for p in node.parts)
            self._check_url(node, text, file)

    def _check_value(self, value: cst.BaseExpression, where: str, file: FileContext) -> None:
        text = _literal_text(value)
        if text is None and type(value) is cst.Name:
            text = literal_string(assigned_value(file.module.body, value.value))
            where = f"{where}{value.value} (a module-level literal)"
        if text is not None and is_secret_text(text):
            file.report(self, value, what=f"the credential passed as {where.rstrip()}")

    def _check_url(self, node: cst.CSTNode, text: object, file: FileContext) -> None:
        if isinstance(text, str) and url_password(text) is not None:
            file.report(self, node, what="the password embedded in this URL")


def _is_settings_dict(file: FileContext) -> bool:
    """Whether the dict being visited holds settings: it is passed straight to a call
    (``params={"api_key": ...}``), or it is short and has a connection key (``"host"``)."""
    table, around = (file.ancestors[-1], file.ancestors[-2]) if len(file.ancestors) > 1 else (None, None)
    if type(table) is not cst.Dict:
        return False
    if type(around) is cst.Arg:
        return True
    keys = {k.lower() for e in table.elements if type(e) is cst.DictElement
            and (k := literal_string(e.key)) is not None}
    return len(table.elements) <= SETTINGS_SIZE and bool(keys & CONNECTION_KEYS)


def _literal_text(value: cst.BaseExpression) -> str | None:
    """The text of a string literal, also of an f-string without expressions."""
    if type(value) is cst.FormattedString and all(
            type(p) is cst.FormattedStringText for p in value.parts):
        return "".join(p.value for p in value.parts)
    return literal_string(value)
