"""``osiris-run``: run a pipeline (``osiris-run pipeline.yaml``) or check drivers
against the contract (``osiris-run check drivers/``)."""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..linter import __version__
from .check import check_drivers, find_check_file, find_components, load_scenarios
from .check.output import RENDERERS
from .components import register_components
from .connections import find_connections
from .console import Console
from .discovery import load_drivers
from .driver import DriverRegistry
from .errors import ConnectionsError, OsirisError
from .pipeline import read_pipeline
from .planning import plan_run
from .runner import new_run_dir, run_plan
from .signals import RunTerminated, termination_as_exception
from .workdir import working_directory

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143

# Two commands, dispatched by main(): running a pipeline is the command itself (its usage,
# its errors and its options before or after the file are osiris-run's own), checking
# drivers is ``osiris-run check``.
run_app = typer.Typer(add_completion=False)
check_app = typer.Typer(add_completion=False)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"osiris-run {__version__}")
        raise typer.Exit()


@run_app.command(no_args_is_help=True, epilog="Check drivers against the contract with "
                 "'osiris-run check [DRIVERS_PATH]' (see osiris-run check --help).")
def run_command(
    pipeline: Annotated[Path, typer.Argument(help="The pipeline YAML file; relative paths in "
                                             "it resolve against its folder.")],
    drivers: Annotated[list[str] | None, typer.Option(
        "--drivers", "-d", help="Folder, file or dotted package of driver modules to load "
        "(repeatable; default: ./drivers if it exists).")] = None,
    components: Annotated[Path | None, typer.Option(
        "--components", "-c", help="Folder of component specs (<name>/spec.yaml) whose "
        "x-runtime.driver registers a driver, as osiris-pipeline does (default: "
        "./components if it exists).")] = None,
    connections: Annotated[Path | None, typer.Option(
        help="Connections file (default: ./osiris_connections.yaml if it exists).")] = None,
    runs_dir: Annotated[Path, typer.Option(help="Where run folders are created.")]
    = Path(".osiris/runs"),
    step_timeout: Annotated[float | None, typer.Option(
        "--step-timeout", min=0.001, help="Seconds a step may run before it is stopped and the "
        "run fails (steps with their own 'timeout:' keep it; default: no limit).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the final table.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Validate a pipeline, then run its steps in dependency order. Exit 0: the run
    succeeded; 1: a step failed or timed out; 2: nothing ran (the problems are listed);
    130: interrupted (SIGINT); 143: terminated (SIGTERM)."""
    console = Console(quiet=quiet)
    errors = Console(stream=sys.stderr)
    try:
        parsed = read_pipeline(pipeline)
        for target in drivers if drivers is not None else _default_drivers():
            for failure in load_drivers(target).failures:
                errors.line(f"{errors.paint('warning', 'red')}: {failure.describe()}")
        folder = components if components is not None else _default_components()
        specs = {}
        if folder is not None:
            registered = register_components(folder, DriverRegistry.active())
            for problem in registered.problems:
                errors.line(f"{errors.paint('warning', 'red')}: {problem}")
            specs = registered.specs
        try:
            found, unreadable = find_connections(connections, Path.cwd()), None
        except ConnectionsError as exc:
            found, unreadable = None, str(exc)
        plan = plan_run(parsed, DriverRegistry.active(), found, os.environ, unreadable, specs)
    except OsirisError as exc:
        errors.line(f"{errors.paint('error', 'red')}: nothing was run.\n{exc}")
        raise typer.Exit(EXIT_USAGE) from None
    run_dir = new_run_dir(runs_dir.absolute(), parsed.name)
    with working_directory(pipeline.absolute().parent):
        result = run_plan(plan, DriverRegistry.active(), run_dir, console, step_timeout)
    console.summary(result)
    raise typer.Exit(result.exit_code)


OutputFormat = Enum("OutputFormat", {name: name for name in RENDERERS}, type=str)


@check_app.command()
def check_command(
    drivers_path: Annotated[str, typer.Argument(
        help="Folder, file or dotted package of driver modules.")] = "drivers",
    scenarios: Annotated[Path | None, typer.Option(
        "--scenarios", "-s", help="Scenario file (default: check.yaml in DRIVERS_PATH, "
        "else ./check.yaml; drivers without a scenario get the default fixture).")] = None,
    output_format: Annotated[OutputFormat, typer.Option(
        "--output-format", "-f", help="full, json or junit.")] = "full",
    components: Annotated[Path | None, typer.Option(
        "--components", "-c", help="Folder of component specs whose x-runtime.driver "
        "registers a driver, as osiris-pipeline does (default: components/ beside "
        "DRIVERS_PATH, else ./components, if it exists).")] = None,
) -> None:
    """Run every driver under DRIVERS_PATH and report each breach of the driver contract
    that shows at run time. Exit 0: all passed; 1: breaches; 2: usage error; 130/143:
    interrupted (the scratch storage on database servers is dropped first)."""
    errors = Console(stream=sys.stderr)
    try:
        check_file = find_check_file(drivers_path, scenarios)
        loaded = load_scenarios(check_file) if check_file else {}
        with termination_as_exception(), \
                tempfile.TemporaryDirectory(prefix="osiris-check-") as workdir:
            report = check_drivers(drivers_path, loaded, Path(workdir),
                                   find_components(drivers_path, components))
    except OsirisError as exc:
        errors.line(f"{errors.paint('error', 'red')}: nothing was checked.\n{exc}")
        raise typer.Exit(EXIT_USAGE) from None
    except (KeyboardInterrupt, RunTerminated) as stop:
        errors.line(f"{errors.paint('error', 'red')}: the check was "
                    f"{'interrupted' if isinstance(stop, KeyboardInterrupt) else 'terminated'}"
                    f"; nothing is reported.")
        raise typer.Exit(EXIT_INTERRUPTED if isinstance(stop, KeyboardInterrupt)
                         else EXIT_TERMINATED) from None
    if not report.drivers and not report.findings:
        errors.line(f"{errors.paint('error', 'red')}: no driver is registered by the modules "
                    f"under {drivers_path}; pass the folder that holds your *_driver.py files.")
        raise typer.Exit(EXIT_USAGE)
    format_name = OutputFormat(output_format).value
    if format_name == "full":
        text = RENDERERS["full"](report, Console().paint)
    else:
        text = RENDERERS[format_name](report)
    sys.stdout.write(text)
    raise typer.Exit(EXIT_OK if report.ok else EXIT_FAILED)


def _default_drivers() -> list[str]:
    return ["drivers"] if Path("drivers").is_dir() else []


def _default_components() -> Path | None:
    return Path("components") if Path("components").is_dir() else None


def main() -> None:
    """``osiris-run check ...`` checks drivers; anything else runs a pipeline (``osiris-run
    run FILE``, the older spelling, too)."""
    args = sys.argv[1:]
    if args[:1] == ["check"]:
        app, args, name = check_app, args[1:], "osiris-run check"
    else:
        app, args, name = run_app, args[1:] if args[:1] == ["run"] else args, "osiris-run"
    try:
        app(args=args, prog_name=name)
    except SystemExit as done:
        # A driver may leave non-daemon threads behind (or a timed-out step its worker):
        # the run is over and recorded, so they must not keep the process alive.
        if any(t.daemon is False and t is not threading.main_thread()
               for t in threading.enumerate()):
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(done.code if isinstance(done.code, int) else EXIT_FAILED)
        raise
