"""OSD003 unregistered-driver."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import libcst as cst

from ...contract.targets import Target
from ..analysis.bindings import (
    ANNOTATION,
    ASSIGNMENT,
    CLASS,
    FUNCTION,
    IMPORT,
    Binding,
    SemanticModel,
)
from ..analysis.drivers import methods_of
from ..analysis.walk import descendants
from ..engine.files import relative_to
from ..engine.findings import Fix
from ..engine.project import Project, ProjectReport
from ..engine.rule import Example, ProjectRule


class UnregisteredDriver(ProjectRule):
    code = "OSD003"
    message = "{detail}"
    fixable = True
    explanation = """
## What it checks
That every concrete driver class is registered when its package is imported: an
unconditional module-level statement `DriverRegistry.register("<key>", <Class>())`,
either in the driver's own module after the class definition, or in a module of the
same package (usually its `__init__.py`) that imports the class.

## Why
The runner finds drivers only in the registry, and the registry is filled by import-time
registrations ("Register at module import time"). A driver registered inside a
function, under `if __name__ == "__main__":`, or only in tests is unknown to every
pipeline that uses it.

## Accepted
`register` called through an imported alias of `DriverRegistry`; abstract base classes
(name starting with `Base` or `Abstract`, or `abc.ABC` / `typing.Protocol` subclasses); a registration that
passes the class instead of an instance (OSD004 reports that one).

## Fix
`--fix` appends `DriverRegistry.register("<source>.<category>", <Class>())` right after
the class, with the key taken from the file name (`orders_extractor_driver.py` gives
`orders.extractor`), and imports `DriverRegistry` if needed. No fix is offered when the
file name does not give a key, or when the class cannot be built without arguments
(the registration would fail at import). The registration goes below every statement
binding a name it needs (the import of `DriverRegistry`, the class, the module names its
`__init__` reads), so the fixed module imports.
"""
    targets = """
Under `osiris-pipeline` a driver is registered when a component spec
(`components/<name>/spec.yaml`) names its class in `x-runtime.driver`
(`package.module.Class`, the module resolved from the project root): the rule reports a
driver no spec names, with the spec to add, and reports at the spec's `driver:` line a
spec naming a module the project lacks or a class a linted module does not define.
Registrations in code do not count there, and no fix is offered.
"""
    VALID = [
        Example("""
            from osiris.core.driver import DriverRegistry

            class OrdersExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {"df": None}

            DriverRegistry.register("orders.extractor", OrdersExtractorDriver())
        """),
        Example("""
            class PgExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {"df": None}
        """, path="acme/pg_extractor_driver.py", others={
            "acme/__init__.py": """
                from osiris.core.driver import DriverRegistry as Registry
                from .pg_extractor_driver import PgExtractorDriver

                Registry.register("postgres.extractor", PgExtractorDriver())
            """}),
        Example("""
            import abc

            class BaseSqlExtractorDriver(abc.ABC):
                def run(self, step_id, config, inputs, ctx):
                    return {"df": self.read(config)}

            class AbstractWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    raise NotImplementedError
        """, path="base_driver.py"),
        Example("""
            from osiris.core.driver import DriverRegistry

            class CsvWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {}

            DriverRegistry.register("csv.writer", CsvWriterDriver)
        """, path="csv_writer_driver.py"),
        Example("""
            class MySQLExtractorDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    return {"df": self._read(config)}
        """, path="osiris/drivers/mysql_extractor_driver.py", others={
            "components/mysql.extractor/spec.yaml": """
    name: mysql.extractor
    modes: [extract]
    x-runtime:
      driver: osiris.drivers.mysql_extractor_driver.MySQLExtractorDriver
"""}, target="osiris-pipeline"),
    ]
    INVALID = [
        Example("""
            class OrdersExtractorDriver:  # expect: OSD003
                def run(self, step_id, config, inputs, ctx):
                    return {"df": None}
        """),
        Example("""
            from osiris.core.driver import DriverRegistry

            class MysqlWriterDriver:  # expect: OSD003
                def run(self, step_id, config, inputs, ctx):
                    return {}

            if __name__ == "__main__":
                DriverRegistry.register("mysql.writer", MysqlWriterDriver())
        """, path="mysql_writer_driver.py"),
        Example("""
            from osiris.core.driver import DriverRegistry

            def setup():
                DriverRegistry.register("duckdb.writer", DuckdbWriterDriver())

            class DuckdbWriterDriver:  # expect: OSD003
                def run(self, step_id, config, inputs, ctx):
                    return {}
        """, path="duckdb_writer_driver.py"),
        Example("""
            class SqliteExtractorDriver:  # expect: OSD003
                def run(self, step_id, config, inputs, ctx):
                    return {"df": None}
        """, path="drivers/sqlite_extractor_driver.py", others={
            "tests/test_sqlite.py": """
                from osiris.core.driver import DriverRegistry
                from drivers.sqlite_extractor_driver import SqliteExtractorDriver

                DriverRegistry.register("sqlite.extractor", SqliteExtractorDriver())
            """}),
        Example("""
            class PosthogExtractorDriver:  # expect: OSD003
                def __init__(self):
                    self.client = PosthogClient(timeout=TIMEOUT)

                def run(self, step_id, config, inputs, ctx):
                    return {"df": self.client.read(config)}


            from acme.posthog_client import PosthogClient  # noqa: E402

            TIMEOUT = 30
        """, path="acme/posthog_extractor_driver.py", others={"acme/posthog_client.py": """
            class PosthogClient:
                def __init__(self, timeout):
                    self.timeout = timeout
        """}),
        Example("""
            from osiris.core.driver import DriverRegistry

            class PgExtractorDriver:  # expect: OSD003
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    return {"df": self._read(config)}

            DriverRegistry.register("pg.extractor", PgExtractorDriver())
        """, path="osiris/drivers/pg_extractor_driver.py", others={
            "components/pg.writer/spec.yaml": """
    name: pg.writer
    modes: [write]
    x-runtime:
      driver: osiris.drivers.pg_writer_driver.PgWriterDriver  # expect: OSD003
"""}, target="osiris-pipeline"),

        Example("""
            class CsvWriterDriver:  # expect: OSD003
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    return {}
        """, path="osiris/drivers/csv_writer_driver.py", others={
            "components/csv.writer/spec.yaml": """
    name: csv.writer
    modes: [write]
    x-runtime:
      driver: osiris.drivers.csv_writer_driver.CSVWriterDriver  # expect: OSD003
"""}, target="osiris-pipeline"),
    ]

    def check_project(self, project: Project) -> list[ProjectReport]:
        by_spec = project.settings.target is Target.OSIRIS_PIPELINE
        reports = []
        taken = {reg.key for _, reg in project.registrations() if reg.key}
        for facts in project.files:
            if facts.is_test:
                continue
            for cls in facts.classes:
                if not cls.driver or cls.abstract:
                    continue
                if by_spec and cls.name not in project.spec_keys.get(facts.path, {}):
                    reports.append(_unnamed_by_specs(self, project, facts, cls))
                elif not by_spec and not self._registered(project, facts, cls):
                    reports.append(self._report(project, facts, cls, taken))
        return reports + (_spec_problems(self, project) if by_spec else [])

    def _registered(self, project: Project, facts, cls) -> bool:
        for other, reg in project.registrations_of(facts, cls):
            if not reg.at_import or other.is_test:
                continue
            if other is facts and reg.statement is not None and reg.statement > cls.statement:
                return True
            if other is not facts and _same_package(other.path, facts.path):
                return True
        return False

    def _report(self, project: Project, facts, cls, taken: set[str]) -> ProjectReport:
        elsewhere = [(o, r) for o, r in project.registrations_of(facts, cls)]
        if any(o.is_test for o, _ in elsewhere) and all(o.is_test for o, _ in elsewhere):
            why = " (it is registered only in tests)"
        elif elsewhere:
            why = " (its registration runs only inside a function or a conditional block)"
        else:
            why = ""
        key = _free_key(project, facts.path, cls, taken)
        suggestion = f'DriverRegistry.register("{key}", {cls.name}())' if key else \
            f'DriverRegistry.register("family.type", {cls.name}())'
        detail = (f"driver {cls.name} is never registered at import time{why}; add "
                  f"{suggestion} after the class")
        # Registering an instance of a class that needs arguments would fail at import.
        return ProjectReport(self, facts.path, cls.statement, detail, key if cls.bare else None)

    def fix(self, module: cst.Module, report: ProjectReport) -> Fix | None:
        """The registration below the class and below every statement binding a name it
        needs (the registry, the class, what the class's ``__init__`` reads from the
        module), and the import of the registry, above the class, if it is missing."""
        target = module.body[report.statement]
        if not report.fix_key or type(target) is not cst.ClassDef:
            return None
        registration = cst.parse_statement(
            f'DriverRegistry.register("{report.fix_key}", {target.name.value}())\n'
        ).with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()])
        needed = {"DriverRegistry", target.name.value, *_init_names(target)}
        bound = _top_level_bindings(module)
        index = {id(statement): i for i, statement in enumerate(module.body)}
        after = max([report.statement, *(index[id(b.statement)] for name in needed
                                         for b in bound.get(name, ()))])
        edits: dict = {}
        if not any(type(b.statement.body[0]) is cst.ImportFrom
                   for b in bound.get("DriverRegistry", ())
                   if type(b.statement) is cst.SimpleStatementLine):
            statement = cst.parse_statement("from osiris.core.driver import DriverRegistry\n")
            anchor = _import_anchor(module, report.statement)
            if anchor is None:  # nothing above the class: the import goes first
                first = module.body[0]
                edits[first] = [statement.with_changes(leading_lines=list(first.leading_lines)),
                                first.with_changes(leading_lines=[cst.EmptyLine(),
                                                                  cst.EmptyLine()])]
            else:
                edits[anchor] = [anchor, statement]
        last = module.body[after]
        edits[last] = [*edits.get(last, [last]), registration]
        return Fix("Register the driver after its class",
                   {node: cst.FlattenSentinel(nodes) for node, nodes in edits.items()})


def _unnamed_by_specs(rule: UnregisteredDriver, project: Project, facts, cls) -> ProjectReport:
    key = _key_from_file(project, facts.path) or "<family>.<type>"
    folder = project.settings.root / "components" / key
    return ProjectReport(
        rule, facts.path, cls.statement,
        f"driver {cls.name} is named by no component spec, so osiris-pipeline never registers "
        f"it; add x-runtime: {{driver: {project.spec_module(facts)}.{cls.name}}} to "
        f"{relative_to(folder, project.cwd)}/spec.yaml (with name: {key})")


def _spec_problems(rule: UnregisteredDriver, project: Project) -> list[ProjectReport]:
    """Specs whose x-runtime.driver names a module the project lacks, or a class (with
    ``run``) that a linted module lacks. A module that is not linted is not opened."""
    classes = {f.path: {c.name for c in f.classes} for f in project.files}
    reports = []
    for named in project.spec_drivers:
        spec = named.spec
        if named.module_display is None:
            files = spec.module_files(project.settings.root)
            problem = (f"names module {spec.module}, which the project does not have (no "
                       f"{relative_to(files[0], project.cwd)} or "
                       f"{relative_to(files[1], project.cwd)})")
        elif named.module_display in classes and spec.class_name not in classes[
                named.module_display]:
            problem = (f"names class {spec.class_name}, which {named.module_display} does not "
                       f"define (a top-level class with a run method)")
        else:
            continue
        reports.append(ProjectReport(
            rule, named.display, 0, f"component spec {spec.name}: x-runtime.driver "
            f"{spec.driver} {problem}, so osiris-pipeline cannot build its driver; fix the "
            f"module path or the class name", line=spec.driver_line()))
    return reports


def _init_names(node: cst.ClassDef) -> set[str]:
    """The names the class's ``__init__`` reads (building an instance runs it)."""
    init = methods_of(node).get("__init__")
    return {n.value for n in descendants(init) if type(n) is cst.Name} if init else set()


# The top-level statements whose bindings the fix places the registration below.
_BINDING_STATEMENTS = (cst.SimpleStatementLine, cst.ClassDef, cst.FunctionDef)
_BINDING_KINDS = frozenset({IMPORT, FUNCTION, CLASS, ASSIGNMENT, ANNOTATION})


def _top_level_bindings(module: cst.Module) -> dict[str, list[Binding]]:
    """The module's bindings by imports, definitions and ``NAME = ...`` / ``NAME: T``
    statements of its top level."""
    found: dict[str, list[Binding]] = {}
    for name, bindings in SemanticModel(module).global_scope.bindings.items():
        for binding in bindings:
            if type(binding.statement) in _BINDING_STATEMENTS and binding.kind in _BINDING_KINDS \
                    and not binding.unpacked:
                found.setdefault(name, []).append(binding)
    return found


def _import_anchor(module: cst.Module, before: int) -> cst.CSTNode | None:
    """The statement after which an import goes: the last top-level import above the
    statement ``before``, else the module docstring, else nothing (the import goes first)."""
    anchor = None
    for index, statement in enumerate(module.body[:before]):
        if type(statement) is cst.SimpleStatementLine:
            small = statement.body[0]
            if type(small) in (cst.Import, cst.ImportFrom):
                anchor = statement
            elif index == 0 and type(small) is cst.Expr and type(small.value) in (
                    cst.SimpleString, cst.ConcatenatedString):
                anchor = statement
    return anchor


def _same_package(registering_path: str, class_path: str) -> bool:
    """The registering module sits in the class's folder or a folder above it
    (a package's ``__init__.py`` registering the classes of its modules)."""
    folder = PurePosixPath(registering_path).parent
    below = PurePosixPath(class_path).parent
    return folder == below or folder in below.parents


def _free_key(project: Project, path: str, cls, taken: set[str]) -> str | None:
    """The key a registration fix gives ``cls`` (then taken): from its file's name, else
    (a second driver of the file, or a key registered elsewhere) from its class name;
    None when both are taken, as two drivers must never share a key."""
    for key in (_key_from_file(project, path), _key_from_class(cls)):
        if key and key not in taken:
            taken.add(key)
            return key
    return None


def _key_from_class(cls) -> str | None:
    """``shop_orders.extractor`` for ``ShopOrdersExtractorDriver`` of category extractor."""
    if not cls.category:
        return None
    name = cls.name.removesuffix("Driver")
    for word in ("Extractor", "Writer", "Transformer", "Processor"):
        name = name.removesuffix(word)
    family = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()
    return f"{family}.{cls.category}" if re.fullmatch(r"[a-z0-9_]+", family or "-") else None


def _key_from_file(project: Project, path: str) -> str | None:
    """``orders.extractor`` for ``orders_extractor_driver.py`` (under osiris-pipeline,
    ``duckdb.processor`` for ``duckdb_processor_driver.py``)."""
    name = PurePosixPath(path).name
    for suffix in project.settings.naming.file_suffixes:
        source = name[: -len(suffix)] if name.endswith(suffix) else ""
        if source and source.replace("_", "").isalnum() and source.islower():
            return f"{source}.{suffix.split('_')[1]}"
    return None
