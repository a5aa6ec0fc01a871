"""``osiris-lint [PATHS...]``: the command line, shaped like ruff's.

Exit codes: 0 no findings, 1 findings, 2 usage, configuration or internal error.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated

import typer

from . import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("full", "concise", "json", "sarif", "github", "junit")

app = typer.Typer(add_completion=False, context_settings={"help_option_names": ["-h", "--help"]})


def _codes(value: str | None) -> list[str] | None:
    return [c.strip() for c in value.split(",") if c.strip()] if value is not None else None


@app.command()
def lint(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files or folders to lint (default: the current folder).")] = None,
    select: Annotated[str | None, typer.Option(
        help="Comma-separated codes, prefixes or rule names to enable, replacing the "
        "configured ones.")] = None,
    ignore: Annotated[str | None, typer.Option(
        help="Codes, prefixes or rule names to disable.")] = None,
    extend_select: Annotated[str | None, typer.Option(
        help="Codes, prefixes or rule names to enable on top of the selection.")] = None,
    exit_zero: Annotated[bool, typer.Option(help="Exit 0 even when there are findings.")] = False,
    statistics: Annotated[bool, typer.Option(
        help="Show a count per rule instead of each finding.")] = False,
    output_format: Annotated[str, typer.Option(
        help=f"One of: {', '.join(FORMATS)}.")] = "full",
    output_file: Annotated[Path | None, typer.Option(
        help="Write the report to this file instead of stdout.")] = None,
    explain: Annotated[str | None, typer.Option(
        metavar="CODE", help="Explain a rule (its code or name): what it checks, why, and the "
        "fix.")] = None,
    list_rules: Annotated[bool, typer.Option(help="List every rule.")] = False,
    no_cache: Annotated[bool, typer.Option(help="Neither read nor write the cache.")] = False,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, help="Processes to lint with (default: one per core).")] = None,
    config: Annotated[Path | None, typer.Option(
        help="Configuration file (default: the nearest pyproject.toml).")] = None,
    fix: Annotated[bool, typer.Option(help="Apply the available fixes.")] = False,
    diff: Annotated[bool, typer.Option(
        help="Print the fixes as a unified diff instead of applying them.")] = False,
    report_unused_suppressions: Annotated[bool, typer.Option(
        help="Report suppression comments that suppress nothing (OSD902).")] = False,
    target: Annotated[str | None, typer.Option(
        help="contract or osiris-pipeline (default: configured, else detected).")] = None,
    target_version: Annotated[str | None, typer.Option(
        help="The Python the drivers run on, e.g. py311: files are syntax errors as that "
        "CPython sees them (default: configured, else the running Python).")] = None,
    add_noqa: Annotated[bool, typer.Option(
        help="Silence every current finding with a `# noqa: OSD0xx` on its line.")] = False,
    baseline: Annotated[Path | None, typer.Option(
        help="Report only findings not recorded in this file (see --write-baseline).")] = None,
    write_baseline: Annotated[Path | None, typer.Option(
        help="Record every current finding in this file, for --baseline.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the findings.")] = False,
    verbose: Annotated[bool, typer.Option(
        help="Show the traceback of an internal error.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Show the version.")] = False,
) -> None:
    """Lint Osiris drivers against the driver contract."""
    if version:
        typer.echo(f"osiris-lint {__version__}")
        raise typer.Exit(EXIT_CLEAN)
    if output_format not in FORMATS:
        _fail(f"unknown output format {output_format!r}; choose one of {', '.join(FORMATS)}")
    from .rules import rule_classes  # imports LibCST: only now that it is needed

    rules = rule_classes()
    by_code = {rule.code: rule for rule in rules}
    if explain is not None:
        _explain(explain, by_code)
    if list_rules:
        from .explain import list_rules as render_list

        typer.echo(render_list(rules), nl=False)
        raise typer.Exit(EXIT_CLEAN)
    from .engine.config import CommandLine

    if add_noqa and (fix or diff):
        _fail("--add-noqa cannot be combined with --fix or --diff; fix first, then add noqa")
    adoption = Adoption(add_noqa, baseline, write_baseline)
    selection = CommandLine(_codes(select), _codes(ignore), _codes(extend_select),
                            report_unused_suppressions, target, target_version)
    try:
        _run(paths or [Path(".")], rules, by_code, cli_selection=selection, config=config,
             jobs=jobs, no_cache=no_cache, fix="diff" if diff else ("fix" if fix else None),
             output_format=output_format, output_file=output_file, statistics=statistics,
             quiet=quiet, exit_zero=exit_zero, adoption=adoption)
    except typer.Exit:
        raise
    except (Exception, RecursionError, MemoryError) as error:  # noqa: BLE001 - exit 2, one line
        if verbose:
            import traceback

            traceback.print_exc()
        _fail(f"internal error ({type(error).__name__}: {error}); please report it"
              + ("" if verbose else ", with --verbose for the traceback"))


@dataclass(frozen=True)
class Adoption:
    """The options that adopt the linter on code with findings."""

    add_noqa: bool
    baseline: Path | None
    write_baseline: Path | None


def _run(paths, rules, by_code, *, cli_selection, config, jobs, no_cache, fix, output_format,
         output_file, statistics, quiet, exit_zero, adoption) -> None:
    from .engine import config as config_file
    from .engine.files import MissingPathError, discover, project_context
    from .engine.lint_run import Linter, collect_less
    from .engine.settings import ConfigError
    from .reporters import Report, render

    cwd = Path.cwd()
    try:
        loaded = config_file.load(paths, config, cwd)
        settings = loaded.settings({rule.name: rule.code for rule in rules}, cli_selection)
        files = discover(paths, loaded.root, settings.exclude)
        context = project_context(paths, files, loaded.root, settings.exclude)
    except ConfigError as error:
        _fail(f"{error}")
    except MissingPathError as error:
        _fail(f"{error}; pass existing files or folders")
    cache = None
    if not (no_cache or fix):
        from .engine.cache import Cache

        cache = Cache(loaded.root, __version__, settings.fingerprint())
    linter = Linter(rules, settings, jobs or os.cpu_count() or 1, cache, fix, cwd)
    collect_less()
    outcome = linter.run(files, context)
    outcome = _adopted(outcome, adoption, loaded.root, cwd, quiet)
    if fix == "diff":
        _write("".join(outcome.diffs), output_file)
        raise typer.Exit(EXIT_FINDINGS if outcome.diffs else EXIT_CLEAN)
    shown = {code: by_code[code] for code in sorted(settings.enabled | {"OSD903"})}
    report = Report(outcome, shown, __version__, cwd, statistics=statistics,
                    colour=_colour(output_file) and output_format in ("full", "concise"),
                    target=settings.target.value, target_reason=settings.target_reason)
    text = render(output_format, report)
    if quiet and output_format in ("full", "concise"):
        text = _without_summary(text, outcome, bool(report.target_line))
    _write(text, output_file)
    for problem in outcome.unwritable:
        typer.echo(f"osiris-lint: error: {problem}", err=True)
    if outcome.rule_errors or outcome.unwritable:
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if outcome.findings and not exit_zero else EXIT_CLEAN)


def _adopted(outcome, adoption: Adoption, root: Path, cwd: Path, quiet: bool):
    """Carry out --add-noqa or --write-baseline (and exit), or drop what --baseline
    records from the outcome."""
    from .adoption import baseline

    if adoption.add_noqa:
        from .adoption.add_noqa import add_noqa

        added = add_noqa(outcome.findings, cwd)
        for problem in added.skipped:
            typer.echo(f"osiris-lint: not silenced: {problem}", err=True)
        for problem in added.unwritable:
            typer.echo(f"osiris-lint: error: {problem}", err=True)
        typer.echo(f"Added {added.directives} noqa directive(s) in {added.files} file(s).")
        raise typer.Exit(EXIT_ERROR if added.unwritable else EXIT_CLEAN)
    try:
        if adoption.write_baseline is not None:
            count = baseline.write(adoption.write_baseline, outcome.findings, root, cwd)
            typer.echo(f"Recorded {count} finding(s) in {adoption.write_baseline}.")
            raise typer.Exit(EXIT_CLEAN)
        if adoption.baseline is None:
            return outcome
        filtered = baseline.apply(outcome.findings, baseline.load(adoption.baseline), root, cwd)
    except baseline.BaselineError as error:
        _fail(str(error))
    if not quiet and (filtered.hidden or filtered.stale):
        stale = (f"; {filtered.stale} recorded finding(s) no longer occur (write the "
                 "baseline again to drop them)") if filtered.stale else ""
        typer.echo(f"osiris-lint: {filtered.hidden} finding(s) recorded in "
                   f"{adoption.baseline} not shown{stale}", err=True)
    return replace(outcome, findings=filtered.findings)


def _explain(code: str, by_code: dict) -> None:
    from .explain import explain

    by_name = {rule.name: rule for rule in by_code.values()}
    rule = by_code.get(code.upper()) or by_name.get(code.lower())
    if rule is None:
        _fail(f"unknown rule code or name {code!r}; see `osiris-lint --list-rules`")
    typer.echo(explain(rule), nl=False)
    raise typer.Exit(EXIT_CLEAN)


def _without_summary(text: str, outcome, target_line: bool) -> str:
    lines = text.splitlines()
    keep = len(lines) - target_line - (1 if not outcome.findings
                                       else 1 + bool(outcome.fixes_applied))
    return "\n".join(lines[:max(keep, 0)]).rstrip("\n") + ("\n" if outcome.findings else "")


def _colour(output_file: Path | None) -> bool:
    return output_file is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _write(text: str, output_file: Path | None) -> None:
    if output_file is None:
        sys.stdout.write(text)
        return
    try:
        output_file.parent.mkdir(parents=True, exist_ok=True)
        output_file.write_text(text, encoding="utf-8")
    except OSError as error:
        _fail(f"--output-file {output_file}: cannot write it ({error.strerror or error})")


def _fail(message: str) -> None:
    typer.echo(f"osiris-lint: error: {message}", err=True)
    raise typer.Exit(EXIT_ERROR)


def main() -> None:
    from .speedups import kept_bytecode

    with kept_bytecode():  # LibCST's ~250 dataclasses, compiled once, not at every start
        app()
