"""OSD024 error-handling."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst

from ...analysis.drivers import DriverClass, body_statements
from ...analysis.names import dotted
from ...analysis.pieces import EXCEPT, FINALLY
from ...analysis.raising import always_raises
from ...analysis.reach import (
    ctx_names,
    delegation,
    describe,
    helper_calls,
    indexed_pieces,
    placeholder_run,
    reached_functions,
)
from ...analysis.statements import blocks_of
from ...analysis.walk import NESTED_SCOPES, descendants
from ...engine.rule import Example, FileContext, Rule
from .failure_events import failure_event

BROAD = frozenset({"Exception", "BaseException"})
WANTED = {  # by whether the target's ctx has log_event
    True: "the contract wants run's work inside a try whose handlers emit "
          "ctx.log_event(\"step_failed\", {\"step_id\": ..., \"error\": ..., "
          "\"error_type\": ...}) and re-raise",
    False: "osiris-pipeline records a failed step from the exception run raises, so every "
           "broad handler must re-raise (raise, or raise X from e)",
}


class ErrorHandling(Rule):
    code = "OSD024"
    skips_opaque_run = False  # it follows run into the functions it delegates to
    message = "{problem}; {wanted}"
    explanation = """
## What it checks
- The `try` that wraps `run`'s work: a `try` among `run`'s top-level statements (also
  inside a top-level `with`, or inside a `try`/`finally` without handlers), preferring
  those with a handler for `Exception`/`BaseException` when there are several. Every
  handler of it through which an error can leave `run` (a broad one, or any with a
  `raise`) must emit `ctx.log_event("step_failed", {...})` with the keys `step_id`,
  `error` and `error_type`, and a broad one must then re-raise (`raise`,
  `raise X from e`) on every path. A `run` that hands all its work to a helper
  (`return self._execute(...)`, or osiris-pipeline's `return run(step_id=step_id, ...)`
  into a module function), at any depth, is judged by that helper's `try`.
- Anywhere in `run` and in the helpers it reaches (methods through `self`, the module's
  functions by name, at any depth): a bare `except:`. In `run` and the helpers it hands
  all its work to, an `except Exception`/`except BaseException` that does not re-raise
  on every path (it swallows the step's failure, so no outer handler sees it); in the
  helpers below them, one that emits `step_failed` and still goes on. A broad handler
  of such a helper that emits nothing is taken as the helper's own answer (a probe
  answering False, a fallback to another channel) and not judged: whether that answer
  loses data is beyond what the linter can tell.
- A `run` without such a `try` at all, reported at `def run`; the other findings at
  the `except` line (in `run` or in the helper), one per handler with all its problems.

## Why
The runner learns that a step failed, and why, from the `step_failed` event and the
exception: a handler that swallows the error makes a broken step look successful, and
one that re-raises without the event leaves the run log without the step and the error
type. A bare `except:` also catches `KeyboardInterrupt` and `SystemExit`.

## Accepted
- The event guarded by `if ctx:` / `if ctx and hasattr(ctx, "log_event")`, emitted
  inside a defensive `try`, or by a helper that the handler calls (a method or a function
  of the module, at any depth, under the name of the parameter that receives `ctx`);
  keys given as keywords (`ctx.log_event("step_failed", step_id=..., ...)`). A helper
  that always raises (`self._fail(ctx, e)`, itself or through its own helpers) counts as
  the handler's `raise`.
- Inner handlers that only clean up and re-raise, under an outer handler of `run` that
  logs the event.
- Handlers of a narrower type that recover locally (`except ValueError:
  value = default`, `except pd.errors.EmptyDataError: return {"df": pd.DataFrame()}`),
  inside the top-level `try` or of it: no error leaves `run` through them.
- Inner handlers of a narrower type that convert and re-raise
  (`raise ConfigError(...) from e`), under an outer handler that logs the event.
- Best-effort cleanup inside a `finally` block or inside another handler
  (`try: conn.rollback() except Exception: pass`), also in a helper that only runs from
  such places (`self._cleanup()` in `finally`): the step's own error still propagates.
- A broad handler that retries the work inside a `try` whose handlers all raise: the
  step fails when the retry does.
- A broad handler that keeps the error for a later `raise` of it in the same function
  (`last_error = e` ... `raise last_error`, or `raise RuntimeError(...) from last_error`),
  as retry loops do.

## Decisions
A narrow handler of the top-level `try` that recovers is accepted although the
catalogue asks every handler of that `try` to log and re-raise: recovering from an
expected error is not a failed step. Any `raise` in the handler counts as re-raising,
with or without `from e`. A payload the linter cannot see (a name bound elsewhere, a
helper's result) is trusted to hold the keys. Which handlers wrap "the work" is decided
by position, not by what the statements do: code before or after the top-level `try` is
not judged.

## Not followed
Nested functions and lambdas defined in `run` or its helpers, helpers of other modules
or classes, and a `run` that does part of its work itself and part in a helper: only a
`run` whose whole body is the call of the helper hands its `try` to it.

## Example
```python
def run(self, step_id, config, inputs, ctx):
    try:
        df = self._read(config)
    except Exception as e:                       # OSD024: no step_failed event
        raise RuntimeError(f"read failed: {e}") from e
```
## Fix
```python
    except Exception as e:
        ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                      "error_type": type(e).__name__})
        raise
```
"""
    targets = """
Under `osiris-pipeline` the context has no `log_event` and the runner records a failed
step itself from the exception `run` raises: the `step_failed` event and the wrapping
`try` are not demanded; handlers that swallow the error (a broad handler that does not
re-raise) and bare `except:` are still reported.
"""
    VALID = [
        Example("""
            import pandas as pd
            import psycopg


            class PostgresExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    try:
                        self._validate_config(config)
                        conn = psycopg.connect(config["dsn"], connect_timeout=10)
                        try:
                            df = pd.read_sql(config["query"], conn)
                        except psycopg.errors.UndefinedTable:
                            df = pd.DataFrame()
                        ctx.log_metric("rows_read", len(df))
                        return {"df": df}
                    except Exception as e:
                        if ctx:
                            ctx.log_event("step_failed", {
                                "step_id": step_id,
                                "error": str(e),
                                "error_type": type(e).__name__,
                            })
                        raise
                    finally:
                        self._cleanup()
        """, path="postgres_extractor_driver.py"),
        Example("""
            import sqlite3


            class SqliteWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    conn = None
                    try:
                        conn = sqlite3.connect(config["path"])
                        try:
                            inputs["df"].to_sql(config["table"], conn, if_exists="append")
                            conn.commit()
                        except Exception:
                            conn.rollback()
                            raise
                        return {}
                    except (sqlite3.Error, ValueError) as e:
                        self._report_failure(ctx, step_id, e)
                        raise RuntimeError(f"sqlite write failed: {e}") from e
                    except Exception as e:
                        self._report_failure(ctx, step_id, e)
                        raise
                    finally:
                        if conn is not None:
                            try:
                                conn.close()
                            except Exception:
                                pass

                def _report_failure(self, ctx, step_id, error):
                    if ctx and hasattr(ctx, "log_event"):
                        ctx.log_event("step_failed", step_id=step_id, error=str(error),
                                      error_type=type(error).__name__)
        """, path="sqlite_writer_driver.py"),
        Example("""
            import time

            import requests


            class RestExtractorDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    with requests.Session() as session:
                        try:
                            last_error = None
                            for attempt in range(3):
                                try:
                                    response = session.get(config["url"], timeout=30)
                                    break
                                except requests.RequestException as e:
                                    last_error = e
                                    time.sleep(2 ** attempt)
                            else:
                                raise last_error
                            try:
                                rows = response.json()
                            except ValueError as e:
                                raise RuntimeError("the API did not return JSON") from e
                            return {"df": self._frame(rows)}
                        except BaseException as e:
                            payload = {"step_id": step_id, "error": str(e),
                                       "error_type": type(e).__name__}
                            ctx.log_event("step_failed", payload)
                            raise
        """, path="rest_extractor_driver.py"),
        Example("""
            import duckdb


            class DuckdbTransformerDriver:
                def run(self, step_id, config, inputs, ctx):
                    try:
                        con = duckdb.connect()
                        last_error = None
                        for sql in config["statements"]:
                            try:
                                con.execute(sql)
                            except Exception as e:
                                last_error = e
                        if last_error is not None:
                            raise last_error
                        return {"df": con.execute(config["query"]).fetchdf()}
                    except Exception as e:
                        ctx.log_event("step_failed", dict(step_id=step_id, error=str(e),
                                                          error_type=type(e).__name__))
                        raise
        """, path="duckdb_transformer_driver.py"),
        Example("""
            import pandas as pd


            class CsvExtractorDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    try:
                        self._validate_config(config)
                        df = pd.read_csv(config["path"])
                    except pd.errors.EmptyDataError:
                        df = pd.DataFrame()
                    except (pd.errors.ParserError, UnicodeDecodeError) as e:
                        ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                                      "error_type": type(e).__name__})
                        raise RuntimeError(f"cannot parse {config['path']}") from e
                    except Exception as e:
                        ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                                      "error_type": type(e).__name__})
                        raise
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}
        """, path="csv_extractor_driver.py"),
        Example("""
            class MysqlExtractorDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    try:
                        df = self._read(config)
                    except Exception as e:
                        raise RuntimeError(f"MySQL extraction failed: {e}") from e
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}
        """, path="mysql_extractor_driver.py", target="osiris-pipeline"),
        Example("""
            import pandas as pd


            class OrdersExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    return self._execute(step_id, config, ctx)

                def _execute(self, step_id, config, context):
                    return self._guarded(step_id, config, context)

                def _guarded(self, step_id, config, events):
                    conn = None
                    try:
                        conn = self._connect(config)
                        df = pd.read_sql(config["query"], conn)
                        events.log_metric("rows_read", len(df))
                        return {"df": df}
                    except Exception as e:
                        self._fail(events, step_id, e)
                    finally:
                        self._close(conn)

                def _fail(self, ctx, step_id, error):
                    self._report(ctx, step_id, error)
                    raise error

                def _report(self, ctx, step_id, error):
                    if ctx:
                        ctx.log_event("step_failed", {"step_id": step_id, "error": str(error),
                                                      "error_type": type(error).__name__})

                def _close(self, conn):
                    if conn is not None:
                        self._quietly(conn.close)

                def _quietly(self, close):
                    try:
                        close()
                    except Exception:
                        pass
        """),
        Example("""
            import pandas as pd


            class CsvExtractorDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    return run(step_id=step_id, config=config, inputs=inputs, ctx=ctx)


            def run(*, step_id, config, inputs, ctx):
                try:
                    df = pd.read_csv(config["path"])
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}
                except Exception as e:
                    _report_failure(ctx, step_id, e)
                    raise


            def _report_failure(ctx, step_id, error):
                ctx.log_event("step_failed", {"step_id": step_id, "error": str(error),
                                              "error_type": type(error).__name__})
        """, path="csv_extractor_driver.py"),
        Example("""
            class RestExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    try:
                        return {"df": self._fetch(config, config.get("pages", 1))}
                    except Exception as e:
                        ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                                      "error_type": type(e).__name__})
                        raise

                def _fetch(self, config, pages):
                    try:
                        page = self._get(config["url"], pages)
                    except TimeoutError as e:
                        raise RuntimeError(f"page {pages} timed out") from e
                    if pages > 1:
                        return page + self._fetch(config, pages - 1)
                    return page
        """, path="rest_extractor_driver.py"),
    ]
    INVALID = [
        Example("""
            import pandas as pd
            import sqlalchemy as sa


            class MySQLExtractorDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    engine = sa.create_engine(config["url"], connect_args={"connect_timeout": 10})
                    try:
                        df = pd.read_sql_query(config["query"], engine)
                        return {"df": df}
                    except sa.exc.OperationalError as e:  # expect: OSD024
                        raise RuntimeError(f"MySQL connection failed: {e}") from e
                    except Exception as e:  # expect: OSD024
                        ctx.log_event("step_failed", {"step_id": step_id, "error": str(e)})
                        raise
                    finally:
                        engine.dispose()
        """, path="mysql_extractor_driver.py"),
        Example("""
            import psycopg


            class PostgresWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD024
                    self._validate_config(config)
                    with psycopg.connect(config["dsn"], connect_timeout=10) as conn:
                        self._copy(conn, inputs["df"], config["table"])
                    ctx.log_metric("rows_written", len(inputs["df"]))
                    return {}
        """, path="postgres_writer_driver.py"),
        Example("""
            import duckdb


            class DuckdbExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    try:
                        con = duckdb.connect(config["path"], read_only=True)
                        try:
                            df = con.execute(config["query"]).fetchdf()
                        except Exception:  # expect: OSD024
                            df = None
                        return {"df": df}
                    except:  # expect: OSD024
                        ctx.log_event("step_failed", {"step_id": step_id, "error": "failed",
                                                      "error_type": "unknown"})
                        raise
        """, path="duckdb_extractor_driver.py"),
        Example("""
            import logging

            import requests

            logger = logging.getLogger(__name__)


            class RestWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    try:
                        rows = inputs["df"].to_dict("records")
                        requests.post(config["url"], json=rows, timeout=30).raise_for_status()
                    except Exception as e:  # expect: OSD024
                        ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                                      "error_type": type(e).__name__})
                        logger.error("post failed: %s", e)
                    return {}
        """, path="rest_writer_driver.py"),
        Example("""
            from pathlib import Path


            class CsvWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    try:
                        self._validate_config(config)
                        Path(config["path"]).parent.mkdir(parents=True, exist_ok=True)
                        inputs["df"].to_csv(config["path"], index=False)
                        ctx.log_metric("rows_written", len(inputs["df"]))
                    except OSError as e:  # expect: OSD024
                        ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                                      "error_type": type(e).__name__})
                    return {}
        """, path="csv_writer_driver.py"),
        Example("""
            class MysqlExtractorDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    try:
                        df = self._read(config)
                    except Exception:  # expect: OSD024
                        df = None
                    return {"df": df}
        """, path="mysql_extractor_driver.py", target="osiris-pipeline"),
        Example("""
            import pandas as pd


            class OrdersExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    return self._execute(step_id, config, ctx)

                def _execute(self, step_id, config, context):
                    return self._guarded(step_id, config, context)

                def _guarded(self, step_id, config, events):
                    try:
                        df = pd.read_sql(config["query"], self._connect(config))
                        events.log_metric("rows_read", len(df))
                        return {"df": df}
                    except Exception as e:  # expect: OSD024
                        raise RuntimeError(f"orders extraction failed: {e}") from e
        """),
        Example("""
            import logging

            import pandas as pd

            logger = logging.getLogger(__name__)


            class PosthogExtractorDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    return run(step_id=step_id, config=config, inputs=inputs, ctx=ctx)


            def run(*, step_id, config, inputs, ctx):
                try:
                    rows = _fetch(config)
                except Exception as e:  # expect: OSD024
                    logger.error("[%s] fetch failed: %s", step_id, e)
                    rows = []
                ctx.log_metric("rows_read", len(rows))
                return {"df": pd.DataFrame(rows)}


            def _fetch(config):
                try:
                    return _pages(config)
                except Exception:  # a helper's own answer: not judged (see the explanation)
                    return []
        """, path="posthog_extractor_driver.py", target="osiris-pipeline"),
        Example("""
            class RestExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    try:
                        return {"df": self._fetch(config)}
                    except Exception as e:  # expect: OSD024
                        self._fail(ctx, step_id, e, retries=2)

                def _fail(self, ctx, step_id, error, retries):
                    if retries:
                        return self._fail(ctx, step_id, error, retries - 1)
                    ctx.log_event("step_failed", {"step_id": step_id, "error": str(error),
                                                  "error_type": type(error).__name__})
        """, path="rest_extractor_driver.py"),
    ]

    def check_driver(self, driver: DriverClass, file: FileContext) -> None:
        if placeholder_run(driver):
            return
        event = file.settings.facts.logs_events
        wanted = WANTED[event]
        contexts = ctx_names(driver)
        chain = delegation(driver)
        outer = _outer_trys(body_statements(chain[-1]))
        broad = [t for t in outer if any(_is_broad(h) for h in t.handlers)]
        # Without the event to emit, run's own try has nothing to add: the runner records
        # the failed step from the exception run raises.
        wrapping = {h for t in (broad or outer) for h in t.handlers} if event else set()
        if not wrapping and event:
            delegated = "" if len(chain) == 1 else \
                f", which it delegates to {' -> '.join(describe(driver, f) for f in chain[1:])},"
            file.report(self, driver.run.name, wanted=wanted,
                        problem=f"run's work{delegated} is not inside a try that handles its "
                                "errors")
        for function, in_cleanup in _judged_functions(driver):
            context = contexts.get(function, "ctx")
            raised_later = _RaisedNames(function)
            for handler, cleanup in _handlers(body_statements(function), in_cleanup):
                problems = _problems(handler, cleanup, handler in wrapping, function, context,
                                     raised_later, driver, function in chain)
                if problems:
                    file.report(self, handler, problem="; ".join(problems), wanted=wanted)


def _problems(handler: cst.ExceptHandler, in_cleanup: bool, wraps_work: bool,
              function: cst.FunctionDef, context: str, raised_later: _RaisedNames,
              driver: DriverClass, holds_the_work: bool) -> list[str]:
    """What is wrong with one handler of ``function`` (run, or a helper it reaches).
    In run and the helpers run delegates to (``holds_the_work``) a broad handler that
    goes on swallows the step's error; in a helper below them it may be a deliberate
    answer (a probe answering False, a fallback), so it is judged only when it says the
    step failed (step_failed) and still goes on."""
    raises = always_raises(handler.body.body, driver)
    problems = []
    if handler.type is None:
        problems.append("a bare except: also catches KeyboardInterrupt and SystemExit")
    reports_failure = failure_event(handler.body.body, context, driver) is not None
    if wraps_work and (_is_broad(handler) or _may_raise(handler, driver) or reports_failure):
        problems += _logging_problems(handler, raises, context, driver, describe(driver, function))
    elif _is_broad(handler) and (holds_the_work or reports_failure) and not (
            raises or in_cleanup or _retries(handler, driver)
            or _keeps_for_later(handler, raised_later)):
        where = "" if function is driver.run else \
            f" in {describe(driver, function)} (which run reaches)"
        problems.append(f"this handler{where} emits step_failed, then swallows the error, so "
                        "run goes on as if the step had worked" if reports_failure else
                        f"this handler{where} swallows the error, so nothing reports the "
                        "step as failed")
    return problems


def _judged_functions(driver: DriverClass) -> list[tuple[cst.FunctionDef, bool]]:
    """``run`` and every helper it reaches, each with whether it only runs as cleanup: every
    call of it sits in a ``finally`` block or an ``except`` handler, or in a helper that
    only runs as cleanup (``self._cleanup()`` in ``finally``: its own handlers are
    best-effort cleanup too)."""
    working, seen = [driver.run], {driver.run}  # reached through a call outside cleanup code
    for function in working:  # grows while it is read
        calls = helper_calls(driver, function)
        cleanup = {call for piece, in_piece in indexed_pieces(driver, function) if calls
                   and any(part in (EXCEPT, FINALLY) for part, _ in piece.within)
                   for call in in_piece}
        for call, helper in calls:
            if helper not in seen and call not in cleanup:
                seen.add(helper)
                working.append(helper)
    return [(function, function not in seen) for function in reached_functions(driver)]


def _logging_problems(handler: cst.ExceptHandler, raises: bool, context: str,
                      driver: DriverClass, owner: str) -> list[str]:
    """What the handler of the try around run's work lacks (``owner``'s try: run's, or
    the helper's run delegates to)."""
    problems = []
    event = failure_event(handler.body.body, context, driver)
    if event is None:
        problems.append(f"this handler of {owner}'s try does not emit the step_failed event")
    elif event.missing:
        problems.append(f"its step_failed event lacks {', '.join(map(repr, event.missing))}")
    if not raises and (_is_broad(handler) or event is not None):
        # A handler that reports the step as failed and then returns lets the runner
        # believe it succeeded: recovering is fine, reporting a failure and going on is not.
        problems.append(f"this handler of {owner}'s try does not re-raise on every path")
    return problems


def _may_raise(handler: cst.ExceptHandler, driver: DriverClass) -> bool:
    """Some path through the handler raises: it does not just recover locally."""
    return any(type(node) is cst.Raise or (
        type(node) is cst.SimpleStatementLine and always_raises([node], driver))
        for node in descendants(handler.body, stop=NESTED_SCOPES))


def _retries(handler: cst.ExceptHandler, driver: DriverClass) -> bool:
    """The handler tries the work again in a ``try`` whose handlers all raise: the step
    fails if the retry fails, and the error is not swallowed."""
    return any(type(node) in (cst.Try, cst.TryStar) and node.handlers and all(
        always_raises(h.body.body, driver) for h in node.handlers)
        for node in descendants(handler.body, stop=NESTED_SCOPES))


def _outer_trys(statements: Sequence[cst.BaseStatement]) -> list[cst.Try | cst.TryStar]:
    """The trys at a function's top level, also inside top-level withs and handler-less
    trys."""
    found = []
    for statement in statements:
        if type(statement) in (cst.Try, cst.TryStar):
            found += [statement] if statement.handlers else _outer_trys(statement.body.body)
        elif type(statement) is cst.With:
            found += _outer_trys(statement.body.body)
    return found


def _handlers(statements: Sequence[cst.BaseStatement],
              in_cleanup: bool) -> Iterator[tuple[cst.ExceptHandler, bool]]:
    """Every except handler in the statements (not in nested functions), and whether it
    sits in cleanup code: a finally block or another handler."""
    for statement in statements:
        if type(statement) in (cst.Try, cst.TryStar):
            yield from _handlers(statement.body.body, in_cleanup)
            for handler in statement.handlers:
                yield handler, in_cleanup
                yield from _handlers(handler.body.body, True)
            if statement.orelse is not None:
                yield from _handlers(statement.orelse.body.body, in_cleanup)
            if statement.finalbody is not None:
                yield from _handlers(statement.finalbody.body.body, True)
        else:
            for block in blocks_of(statement):
                yield from _handlers(block, in_cleanup)


def _is_broad(handler: cst.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    caught = [e.value for e in handler.type.elements] if type(handler.type) is cst.Tuple \
        else [handler.type]
    return any((dotted(c) or "").rpartition(".")[2] in BROAD for c in caught)


class _RaisedNames:
    """Names raised somewhere in a function (``raise last_error``, or chained: ``raise
    RuntimeError(...) from last_error``), found the first time a swallowing handler needs
    them."""

    def __init__(self, function: cst.FunctionDef) -> None:
        self.function = function
        self._names: set[str] | None = None

    def __contains__(self, name: str) -> bool:
        if self._names is None:
            raises = [node for node in descendants(self.function.body, stop=NESTED_SCOPES)
                      if type(node) is cst.Raise]
            self._names = {raised.value for node in raises  # raise error / raise X from error
                           for raised in (node.exc, node.cause and node.cause.item)
                           if type(raised) is cst.Name}
        return name in self._names


def _keeps_for_later(handler: cst.ExceptHandler, raised_later: _RaisedNames) -> bool:
    """The handler stores the caught error in a name that its function raises later."""
    if handler.name is None or type(handler.name.name) is not cst.Name:
        return False
    caught = handler.name.name.value
    return any(type(node) is cst.Assign and type(node.value) is cst.Name
               and node.value.value == caught
               and any(type(t.target) is cst.Name and t.target.value in raised_later
                       for t in node.targets)
               for node in descendants(handler.body, stop=NESTED_SCOPES))
