"""OSD020 no-print."""

from __future__ import annotations

import libcst as cst

from ..analysis.bindings import Scope
from ..analysis.drivers import literal_string
from ..engine.findings import Fix
from ..engine.rule import Example, FileContext, Rule

STANDARD_STREAMS = ("sys.stdout", "sys.stderr")
# The same streams under other names: the originals and their binary layers.
STREAM_NAMES = {**{s: s for s in STANDARD_STREAMS},
                **{f"sys.__{s[4:]}__": s for s in STANDARD_STREAMS},
                **{f"{s}.buffer": s for s in STANDARD_STREAMS}}
STREAM_WRITES = {f"{name}.{m}": s for name, s in STREAM_NAMES.items() for m in ("write", "writelines")}
TRACEBACK_PRINTS = {f"traceback.{f}" for f in ("print_exc", "print_exception", "print_stack",
                                                "print_tb", "print_last", "print_list")}
PPRINTS = {"pprint.pprint", "pprint.pp"}
BUILTIN_PRINT = "builtins.print"
# Where logging.basicConfig sends records when given none of these: sys.stderr.
LOGGING_DESTINATIONS = ("stream", "filename", "handlers")
DESCRIPTORS = {"1": "sys.stdout", "2": "sys.stderr"}
# The calls this rule looks at (what they write to is read from their arguments).
WATCHED = frozenset({"print", BUILTIN_PRINT, *STREAM_WRITES, *PPRINTS, *TRACEBACK_PRINTS,
                     "logging.basicConfig", "logging.StreamHandler", "os.write"})


INSTEAD = {True: "use ctx.log_event(...) instead",  # by whether the target's ctx has log_event
           False: "use a logging logger instead (osiris-pipeline's ctx has no log_event)"}


class NoPrint(Rule):
    code = "OSD020"
    message = "{call} writes to {stream}; the contract forbids output on stdout/stderr, " \
              "{instead}"
    whole_module = True
    subscribes = (cst.Call,)
    fixable = True
    explanation = """
## What it checks
Output to the process's standard streams anywhere in a driver module (test files
excepted): `print(...)` (also `builtins.print`), `sys.stdout.write`/`writelines`,
`sys.stderr.write`/`writelines` (also through `sys.__stdout__`, `sys.__stderr__` and the
binary `.buffer` of each), `pprint.pprint`/`pprint(...)`/`pprint.pp` (to `stream=`, stdout
by default), the `traceback.print_*` functions (to `file=`, stderr by default),
`logging.basicConfig(stream=sys.stdout or sys.stderr)` and `logging.basicConfig(...)`
without a `stream`, `filename` or `handlers` (it then logs to stderr),
`logging.StreamHandler()` (stderr) and `logging.StreamHandler(sys.stdout)`, and
`os.write(1 or 2, ...)` (also `os.write(sys.stdout.fileno(), ...)`).
Names are followed through imports (`from sys import stdout; stdout.write(...)`).
Output under `if __name__ == "__main__":` is still flagged: the module is a driver.

## Why
"NEVER print to stdout/stderr - use ctx.log_event()". The runner owns the terminal;
a pipeline's output on stdout is often another program's input, and stray lines break
it, while events are structured, masked and kept with the run.

## Accepted
Names that are not the builtin or the module where the call is, by Python's scoping (the
function, the functions around it, the module; not a class body around a method):
`print` bound to something else (a parameter of any kind, an assignment, a loop
variable, a local or module-level function called `print`, an import of another
`print`), and `sys`, `stdout`, `stderr`... that are parameters or locals; and
`print(..., file=f)`, `pprint(..., stream=f)`, `traceback.print_exc(file=f)` to a stream
that is not `sys.stdout` or `sys.stderr`.

## Not followed
Streams kept under another name (`out = sys.stdout; out.write(...)`), `print` passed as a
value (`df.apply(print)`), and printing libraries (`rich.print`, `click.echo`).

## Fix
`--fix` turns `print(x)` into `ctx.log_event("message", {"message": str(x)})` when the
call is a statement inside a function that has a `ctx` parameter without a `None`
default, and the call has no keyword arguments; otherwise replace it by hand with
`ctx.log_event(...)` or a `logging` call.
"""
    targets = """
Under `osiris-pipeline` the context has no `log_event`: the message points to a
`logging` logger instead, and `--fix` offers no replacement.
"""
    VALID = [
        Example("""
            import logging

            logger = logging.getLogger(__name__)

            class OrdersExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    logger.info("reading %s", config["table"])
                    ctx.log_event("extract_started", {"table": config["table"]})
        """),
        Example("""
            def print(message):
                return message

            class ReportWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    with open(config["path"], "w") as report:
                        print("rows", len(inputs["df"]), file=report)
                    print("done")
        """, path="report_writer_driver.py"),
        Example("""
            from rich.console import Console
            from .printing import print

            console = Console(file=open("/tmp/x.log", "w"))

            def show(df):
                print(df.head())
        """, path="helpers.py"),
        Example("""
            def test_driver_prints_nothing(capsys):
                print("debugging a test is fine")
        """, path="test_orders_extractor_driver.py"),
        Example("""
            import io
            import logging
            from pprint import pprint

            logging.basicConfig(filename="/var/log/osiris/drivers.log", level=logging.INFO)
            captured = logging.StreamHandler(io.StringIO())


            def describe(config):
                buffer = io.StringIO()
                pprint(config, stream=buffer)
                return buffer.getvalue()


            def each_row(rows, print, /):
                for row in rows:
                    print(row)
        """, path="helpers.py"),
        Example("""
            import logging

            logger = logging.getLogger(__name__)


            class CsvWriterDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    logger.info("writing %s", config["path"])
                    return {}
        """, path="csv_writer_driver.py", target="osiris-pipeline"),
        Example("""
            import sys


            def main():
                print("exported", sys.argv[1])  # a command-line script: no driver here
        """, path="scripts/report.py"),
        Example("""
            import logging
            from sys import stderr

            logger = logging.getLogger(__name__)


            def warn(message, stderr):
                stderr.write(message + "\\n")  # the stream the caller hands in


            def report(rows, quiet):
                if quiet:
                    print = logger.debug
                else:
                    print = logger.info
                print("%d rows", len(rows))


            class EventsWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    with open(config["path"], "w") as out:
                        warn("writing", out)
                        report(inputs["df"], config.get("quiet", False))
                    return {}
        """, path="events_writer_driver.py"),
    ]
    INVALID = [
        Example("""
            class OrdersExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = self._read(config)
                    print(f"read {len(df)} rows")  # expect: OSD020
                    return {"df": df}
        """),
        Example("""
            import sys
            from sys import stderr
            import traceback

            def warn(message):
                stderr.write(message + "\\n")  # expect: OSD020

            def fail():
                traceback.print_exc()  # expect: OSD020
                sys.stdout.writelines(["a", "b"])  # expect: OSD020


            class EventsWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    warn("writing")
                    return {}
        """, path="events_writer_driver.py"),
        Example("""
            import logging
            import os
            import sys
            from pprint import pprint

            logging.basicConfig(stream=sys.stdout, level=logging.INFO)  # expect: OSD020

            def dump(config):
                pprint(config)  # expect: OSD020
                os.write(2, b"done")  # expect: OSD020


            class DuckdbWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    dump(config)
                    return {}
        """, path="duckdb_writer_driver.py"),
        Example("""
            class CsvWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {}

            if __name__ == "__main__":
                print(CsvWriterDriver().run("s", {}, None, None))  # expect: OSD020
        """, path="csv_writer_driver.py"),
        Example("""
            import builtins
            import logging
            import os
            import sys
            from pprint import pprint

            logging.basicConfig(level=logging.DEBUG)  # expect: OSD020
            logging.getLogger(__name__).addHandler(logging.StreamHandler())  # expect: OSD020
            to_stdout = logging.StreamHandler(stream=sys.stdout)  # expect: OSD020


            def report(config, rows):
                builtins.print(len(rows))  # expect: OSD020
                pprint(config, stream=sys.stderr)  # expect: OSD020
                sys.__stderr__.write("rows written\\n")  # expect: OSD020
                sys.stdout.buffer.write(rows.to_csv().encode())  # expect: OSD020
                os.write(sys.stderr.fileno(), b"done\\n")  # expect: OSD020


            class ParquetWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    report(config, inputs["df"])
                    return {}
        """, path="parquet_writer_driver.py"),
        Example("""
            class CsvWriterDriver:
                def run(self, *, step_id, config, ctx, inputs=None):
                    print("writing", config["path"])  # expect: OSD020
                    return {}
        """, path="csv_writer_driver.py", target="osiris-pipeline"),
    ]

    def visit(self, node: cst.Call, file: FileContext, driver) -> None:
        # The file's import map says which calls may write to a stream; the scope of the
        # call says what its names are there (a parameter ``sys``, a local ``print``).
        if file.imports.qualify(node.func) not in WATCHED:
            return
        scope = file.bindings.scope_at(file.ancestors, node)
        target = file.bindings.qualify(node.func, scope)
        if target is None:
            return
        instead = INSTEAD[file.settings.facts.logs_events]
        if target in ("print", BUILTIN_PRINT):
            stream = _keyword_stream(node, file, scope)
            if stream in ("sys.stdout", "sys.stderr", None):
                event = file.settings.facts.logs_events
                file.report(self, node, call=f"{target}(...)", instead=instead,
                            fix=_log_event_fix(node, file) if target == "print" and event else None,
                            stream=(stream or "sys.stdout").split(".")[1])
        elif target in STREAM_WRITES:
            file.report(self, node, call=f"{target}(...)", instead=instead,
                        stream=STREAM_WRITES[target].split(".")[1])
        elif target in PPRINTS or target in TRACEBACK_PRINTS:
            keyword = "stream" if target in PPRINTS else "file"
            stream = _keyword_stream(node, file, scope, keyword) or (
                "sys.stderr" if "traceback" in target else "sys.stdout")
            if stream in STANDARD_STREAMS:
                file.report(self, node, call=f"{target}(...)", stream=stream.split(".")[1],
                            instead=instead)
        elif target == "logging.basicConfig":
            stream = _keyword_stream(node, file, scope, keyword="stream")
            call = f"logging.basicConfig(stream={stream})"
            if stream is None and not any(a.keyword is not None and a.keyword.value in LOGGING_DESTINATIONS
                                          or a.star for a in node.args):
                stream, call = "sys.stderr", "logging.basicConfig(...) without a stream or file"
            if stream in STANDARD_STREAMS:
                file.report(self, node, call=call, stream=stream.split(".")[1], instead=instead)
        elif target == "logging.StreamHandler":
            stream = _keyword_stream(node, file, scope, keyword="stream", position=0) or "sys.stderr"
            if stream in STANDARD_STREAMS:
                file.report(self, node, call="logging.StreamHandler(...)",
                            stream=stream.split(".")[1], instead=instead)
        elif target == "os.write" and node.args:
            stream = _descriptor_stream(node.args[0].value, file, scope)
            if stream is not None:
                file.report(self, node, call="os.write(...)", stream=stream.split(".")[1],
                            instead=instead)


def _keyword_stream(call: cst.Call, file: FileContext, scope: Scope, keyword: str = "file",
                    position: int | None = None) -> str | None:
    """The standard stream passed as ``file=`` (or at ``position``): ``sys.stdout``,
    "other", or None."""
    for index, arg in enumerate(call.args):
        if (arg.keyword is not None and arg.keyword.value == keyword) or \
                (arg.keyword is None and not arg.star and index == position):
            if type(arg.value) is cst.Name and arg.value.value == "None":
                return None
            return STREAM_NAMES.get(file.bindings.qualify(arg.value, scope) or "", "other")
    return None


def _descriptor_stream(descriptor: cst.BaseExpression, file: FileContext,
                       scope: Scope) -> str | None:
    """``sys.stdout`` for ``1`` and ``sys.stdout.fileno()``."""
    if type(descriptor) is cst.Integer:
        return DESCRIPTORS.get(descriptor.value)
    if type(descriptor) is cst.Call and type(descriptor.func) is cst.Attribute \
            and descriptor.func.attr.value == "fileno":
        return STREAM_NAMES.get(file.bindings.qualify(descriptor.func.value, scope) or "")
    return None


def _log_event_fix(call: cst.Call, file: FileContext) -> Fix | None:
    """``print(a)`` -> ``ctx.log_event("message", {"message": str(a)})``, when that is safe."""
    if len(file.ancestors) < 1 or type(file.ancestors[-1]) is not cst.Expr:
        return None
    if not call.args or any(a.keyword is not None or a.star for a in call.args):
        return None
    function = next((a for a in reversed(file.ancestors) if type(a) is cst.FunctionDef), None)
    if function is None or not _has_usable_ctx(function):
        return None
    values = [a.value for a in call.args]
    if len(values) == 1:
        value = values[0]
        already_text = literal_string(value) is not None or type(value) is cst.FormattedString
        message = value if already_text else cst.parse_expression(f"str({_code(value)})")
    else:
        message = cst.parse_expression(
            f'" ".join(map(str, ({", ".join(_code(v) for v in values)})))')
    replacement = cst.parse_expression('ctx.log_event("message", {"message": None})')
    event = replacement.with_deep_changes(replacement.args[1].value.elements[0], value=message)
    return Fix("Replace print(...) with ctx.log_event(...)", {call: event})


def _has_usable_ctx(function: cst.FunctionDef) -> bool:
    params = [*function.params.params, *function.params.kwonly_params]
    ctx = next((p for p in params if p.name.value == "ctx"), None)
    return ctx is not None and not (type(ctx.default) is cst.Name
                                    and ctx.default.value == "None")


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)
