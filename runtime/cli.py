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
from typer.core import TyperGroup

from .check import check_drivers, find_check_file, load_scenarios
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

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _RunByDefault(TyperGroup):
    """``osiris-run FILE`` means ``osiris-run run FILE``."""

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().resolve_command(ctx, args)


app = typer.Typer(cls=_RunByDefault, add_completion=False, no_args_is_help=True,
                  help="Run Osiris pipelines and check drivers against the contract.")


@app.callback()
def _group() -> None:
    """Run Osiris pipelines and check drivers against the contract."""


@app.command("run")
def run_command(
    pipeline: Annotated[Path, typer.Argument(help="The pipeline YAML file.")],
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
        specs = components if components is not None else _default_components()
        if specs is not None:
            for problem in register_components(specs, DriverRegistry.active()).problems:
                errors.line(f"{errors.paint('warning', 'red')}: {problem}")
        try:
            found, unreadable = find_connections(connections, Path.cwd()), None
        except ConnectionsError as exc:
            found, unreadable = None, str(exc)
        plan = plan_run(parsed, DriverRegistry.active(), found, os.environ, unreadable)
    except OsirisError as exc:
        errors.line(f"{errors.paint('error', 'red')}: nothing was run.\n{exc}")
        raise typer.Exit(EXIT_USAGE) from None
    result = run_plan(plan, DriverRegistry.active(), new_run_dir(runs_dir, parsed.name), console,
                      step_timeout)
    console.summary(result)
    raise typer.Exit(result.exit_code)


OutputFormat = Enum("OutputFormat", {name: name for name in RENDERERS}, type=str)


@app.command("check")
def check_command(
    drivers_path: Annotated[str, typer.Argument(
        help="Folder, file or dotted package of driver modules.")] = "drivers",
    scenarios: Annotated[Path | None, typer.Option(
        "--scenarios", "-s", help="Scenario file (default: check.yaml in DRIVERS_PATH, "
        "else ./check.yaml; drivers without a scenario get the default fixture).")] = None,
    output_format: Annotated[OutputFormat, typer.Option(
        "--output-format", "-f", help="full, json or junit.")] = "full",
) -> None:
    """Run every driver under DRIVERS_PATH and report each breach of the driver contract
    that shows at run time. Exit 0: all passed; 1: breaches; 2: usage error."""
    errors = Console(stream=sys.stderr)
    try:
        check_file = find_check_file(drivers_path, scenarios)
        loaded = load_scenarios(check_file) if check_file else {}
        with tempfile.TemporaryDirectory(prefix="osiris-check-") as workdir:
            report = check_drivers(drivers_path, loaded, Path(workdir))
    except OsirisError as exc:
        errors.line(f"{errors.paint('error', 'red')}: nothing was checked.\n{exc}")
        raise typer.Exit(EXIT_USAGE) from None
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
    try:
        app()
    except SystemExit as done:
        # A driver may leave non-daemon threads behind (or a timed-out step its worker):
        # the run is over and recorded, so they must not keep the process alive.
        if any(t.daemon is False and t is not threading.main_thread()
               for t in threading.enumerate()):
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(done.code if isinstance(done.code, int) else EXIT_FAILED)
        raise
