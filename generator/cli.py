"""``osiris-gen``: generate contract-compliant drivers, their tests and component specs.

    osiris-gen extractor postgres        osiris-gen writer csv --out src/drivers
    osiris-gen transformer sql           osiris-gen list
    osiris-gen quickstart demo           osiris-gen writer mysql --target osiris-pipeline
    osiris-gen update --dry-run
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from ..contract.rules import CATEGORIES
from ..contract.targets import Target
from ..linter import __version__
from .catalogue import BACKENDS, canonical_name
from .errors import GenerationError
from .filewriter import WRITES, Action
from .generation import Outcome, generate
from .naming import check_category, check_name
from .quickstart import run_quickstart
from .rendering import TODO_MARK, Request
from .targeting import choose_target
from .update import WRITTEN, Plan, State, apply_update, plan_update

EXIT_USAGE = 2


class _ChoicesGroup(TyperGroup):
    """An unknown command (category) lists the valid ones and exits 2."""

    def resolve_command(self, ctx, args):
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            choices = ", ".join(self.commands)
            typer.echo(f"error: unknown command or category {args[0]!r}; choose one of: "
                       f"{choices}.", err=True)
            raise typer.Exit(EXIT_USAGE)
        return super().resolve_command(ctx, args)


app = typer.Typer(cls=_ChoicesGroup, add_completion=False, no_args_is_help=True,
                  help="Generate Osiris drivers that keep the driver contract from line one.")


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"osiris-gen {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Generate Osiris drivers that keep the driver contract from line one."""


_KNOWN_BACKENDS = (
    f"Complete backends: {', '.join(b.name for b in BACKENDS)}; any other snake_case "
    f"name renders a skeleton."
)
NameArgument = Annotated[str, typer.Argument(
    help="Backend (postgres, mysql, sqlite, duckdb, csv; sql for transformers). "
         "Another snake_case name renders a skeleton to fill in.", show_default=False)]
OutOption = Annotated[Path, typer.Option("--out", help="Drivers package to write into.")]
TestsOutOption = Annotated[Path, typer.Option("--tests-out", help="Folder for the tests.")]
NoTestsOption = Annotated[bool, typer.Option("--no-tests", help="Do not generate tests.")]
SpecOption = Annotated[bool, typer.Option(
    "--spec/--no-spec", help="Write components/<family>.<type>/spec.yaml.")]
ComponentsOption = Annotated[Path, typer.Option(
    "--components-out", help="Folder of the component specs.")]
DryRunOption = Annotated[bool, typer.Option(
    "--dry-run", help="Show each file and a unified diff against the disk; write nothing.")]
ForceOption = Annotated[bool, typer.Option(
    "--force", help="Overwrite files that exist with other content.")]
FamilyOption = Annotated[str | None, typer.Option(
    "--family", help="Registry family (key 'FAMILY.<category>'); default: the backend name.",
    show_default=False)]
TargetOption = Annotated[str | None, typer.Option(
    "--target", help="The runtime to write for: 'contract' (the written contract: "
    "registered at import) or 'osiris-pipeline' (registered by the component spec's "
    "x-runtime.driver; transformers are 'processor's). Default: detected from the specs "
    "in --components-out, else 'contract'.", show_default=False)]


def _add_category_command(category: str) -> None:
    def command(
        name: NameArgument,
        out: OutOption = Path("drivers"),
        tests_out: TestsOutOption = Path("tests"),
        no_tests: NoTestsOption = False,
        spec: SpecOption = True,
        components_out: ComponentsOption = Path("components"),
        dry_run: DryRunOption = False,
        force: ForceOption = False,
        family: FamilyOption = None,
        target: TargetOption = None,
    ) -> None:
        with _reported_errors():
            backend = canonical_name(check_name(name, choices=_KNOWN_BACKENDS))
            chosen = choose_target(target, components_out)
            request = Request(
                category=check_category(category),
                backend=backend,
                family=check_name(family, "family") if family else backend,
                drivers_dir=out,
                tests_dir=None if no_tests else tests_out,
                components_dir=components_out if spec else None,
                target=chosen.target,
            )
            why = "" if target else f" ({chosen.reason})"
            typer.echo(f"target: {chosen.target.value}{why}")
            _report(generate(request, force=force, dry_run=dry_run), dry_run)
            if chosen.target is Target.OSIRIS_PIPELINE and not spec:
                typer.echo(f"\nnote: --no-spec: nothing registers {request.names.key}; "
                           f"osiris-pipeline registers a driver only through "
                           f"components/{request.names.key}/spec.yaml.")

    command.__doc__ = f"Generate the {category} driver NAME, its tests and its component spec."
    app.command(category)(command)


for _category in CATEGORIES:
    _add_category_command(_category)


@app.command("list")
def list_backends() -> None:
    """The backends with complete drivers: categories, the extra each needs, and how
    they read, quote, load and upsert."""
    width = max(len(backend.name) for backend in BACKENDS)
    for backend in BACKENDS:
        install = (f"pip install 'osiris-driver-kit[{backend.extra}]'" if backend.extra
                   else "no extra needed")
        typer.echo(f"{backend.name.ljust(width)}  {', '.join(backend.categories)}  ({install})")
        facts = {"aliases": ", ".join(backend.aliases), "read-only": backend.read_only_session,
                 "identifiers": backend.quoting, "bulk load": backend.bulk_load,
                 "upsert": backend.upsert}
        for label, value in facts.items():
            if value and value != "-":
                typer.echo(f"{'':{width}}    {label}: {value}")
    typer.echo("\nAny other snake_case name renders a contract-compliant skeleton to fill in.")


@app.command("quickstart")
def quickstart(
    folder: Annotated[Path, typer.Argument(help="Folder of the sample project.")],
) -> None:
    """The README's quick start: generate, lint and run a sample pipeline in FOLDER.

    Generates a sqlite extractor and a csv writer, lints them when osiris-lint is
    installed, creates a sample sqlite database and runs a pipeline over it with
    osiris-run."""
    with _reported_errors():
        raise typer.Exit(run_quickstart(folder, typer.echo))


@app.command("update")
def update(
    folder: Annotated[Path, typer.Argument(
        help="The project root: the folder osiris-gen ran in, where .osiris-gen.json is.")
    ] = Path("."),
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Show a unified diff per file; write nothing.")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Write even into files with changes git does not hold yet.")] = False,
) -> None:
    """Re-render what osiris-gen generated with this kit and merge it 3-way into the files:
    your edits stay, the templates' changes land, conflicts get <<<<<<< markers (exit 1)."""
    with _reported_errors():
        plan = plan_update(folder)
        if not dry_run:
            apply_update(plan, force)
        raise typer.Exit(_report_update(plan, dry_run))


@contextmanager
def _reported_errors() -> Iterator[None]:
    """A GenerationError becomes its message on stderr and its exit code (2: usage)."""
    try:
        yield
    except GenerationError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(error.exit_code) from None


_VERBS = {Action.CREATE: "create", Action.OVERWRITE: "overwrite", Action.UNCHANGED: "unchanged",
          Action.KEEP: "keep", Action.EXTEND: "extend", Action.BLOCKED: "blocked"}


def _report(outcome: Outcome, dry_run: bool) -> None:
    for change in outcome.changes:
        verb = _VERBS[change.action]
        if dry_run and change.action in WRITES:
            verb = f"would {verb}"
        typer.echo(f"{verb:>16}  {change.file.path}")
        if dry_run and change.diff():
            typer.echo(change.diff(), nl=False)
    backend = outcome.rendering.backend
    driver = outcome.rendering.driver_file
    if not backend.complete:
        typer.echo(f"\nnote: no complete backend of this name: {driver} is a skeleton. "
                   f"Fill in the places marked {TODO_MARK}.")
    elif backend.extra:
        typer.echo(f"\nneeds: pip install 'osiris-driver-kit[{backend.extra}]'")
    if dry_run:
        typer.echo("\nDry run: nothing was written.")


_NOTES = {State.DELETED: "  (you deleted it: left deleted)",
          State.RETIRED: "  (no longer generated: left as is)"}


def _report_update(plan: Plan, dry_run: bool) -> int:
    """Prints a line per file (and its diff on a dry run); 1 when a file has conflicts."""
    for change in plan.files:
        verb = f"would {change.state.value}" if dry_run and change.state in WRITTEN \
            else change.state.value
        note = f"  (conflicts: {change.conflicts})" if change.conflicts else _NOTES.get(
            change.state, "")
        typer.echo(f"{verb:>16}  {change.path}{note}")
        if dry_run and change.diff():
            typer.echo(change.diff(), nl=False)
    if dry_run:
        typer.echo("\nDry run: nothing was written.")
    if plan.conflicted:
        typer.echo(f"\n{len(plan.conflicted)} file(s) with conflicts: keep what you need "
                   f"between <<<<<<< yours, ======= and >>>>>>> osiris-gen, and remove the "
                   f"markers.")
        return 1
    return 0


def main() -> None:
    app()
