"""OSD003 unregistered-driver."""

from __future__ import annotations

from pathlib import PurePosixPath

import libcst as cst

from ..findings import Fix
from ..project import Project, ProjectReport
from ..rule import Example, ProjectRule

FILE_KEY_SUFFIXES = {"_extractor_driver.py": "extractor", "_writer_driver.py": "writer",
                     "_transformer_driver.py": "transformer"}


class UnregisteredDriver(ProjectRule):
    code = "OSD003"
    name = "unregistered-driver"
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
(name starting with `Base` or `Abstract`, or `abc.ABC` subclasses); a registration that
passes the class instead of an instance (OSD004 reports that one).

## Fix
`--fix` appends `DriverRegistry.register("<source>.<category>", <Class>())` right after
the class, with the key taken from the file name (`orders_extractor_driver.py` gives
`orders.extractor`), and imports `DriverRegistry` if needed. No fix is offered when the
file name does not give a key.
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
    ]

    def check_project(self, project: Project) -> list[ProjectReport]:
        reports = []
        for facts in project.files:
            if facts.is_test:
                continue
            for cls in facts.classes:
                if cls.driver and not cls.abstract and not self._registered(project, facts, cls):
                    reports.append(self._report(project, facts, cls))
        return reports

    def _registered(self, project: Project, facts, cls) -> bool:
        for other, reg in project.registrations_of(facts, cls):
            if not reg.at_import or other.is_test:
                continue
            if other is facts and reg.statement is not None and reg.statement > cls.statement:
                return True
            if other is not facts and _same_package(other.path, facts.path):
                return True
        return False

    def _report(self, project: Project, facts, cls) -> ProjectReport:
        elsewhere = [(o, r) for o, r in project.registrations_of(facts, cls)]
        if any(o.is_test for o, _ in elsewhere) and all(o.is_test for o, _ in elsewhere):
            why = " (it is registered only in tests)"
        elif elsewhere:
            why = " (its registration runs only inside a function or a conditional block)"
        else:
            why = ""
        key = _key_from_file(facts.path)
        suggestion = f'DriverRegistry.register("{key}", {cls.name}())' if key else \
            f'DriverRegistry.register("family.type", {cls.name}())'
        detail = (f"driver {cls.name} is never registered at import time{why}; add "
                  f"{suggestion} after the class")
        return ProjectReport(self, facts.path, cls.statement, detail, key)


    def fix(self, module: cst.Module, report: ProjectReport) -> Fix | None:
        """The registration right after the class, and the import if it is missing."""
        target = module.body[report.statement]
        if not report.fix_key or type(target) is not cst.ClassDef:
            return None
        registration = cst.parse_statement(
            f'DriverRegistry.register("{report.fix_key}", {target.name.value}())\n'
        ).with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()])
        edits: dict = {target: [target, registration]}
        if not _imports_registry(module):
            anchor = _import_anchor(module)
            statement = cst.parse_statement("from osiris.core.driver import DriverRegistry\n")
            if anchor is None:  # nothing above the class: the import goes first
                edits[target] = [statement.with_changes(
                    leading_lines=list(target.leading_lines)), target.with_changes(
                    leading_lines=[cst.EmptyLine(), cst.EmptyLine()]), registration]
            else:
                edits[anchor] = [*edits.get(anchor, [anchor]), statement]
        return Fix("Register the driver after its class",
                   {node: cst.FlattenSentinel(nodes) for node, nodes in edits.items()})


def _imports_registry(module: cst.Module) -> bool:
    for statement in module.body:
        if type(statement) is cst.SimpleStatementLine:
            for small in statement.body:
                if type(small) is cst.ImportFrom and type(small.names) is not cst.ImportStar:
                    names = [a.evaluated_alias or a.evaluated_name for a in small.names]
                    if "DriverRegistry" in names:
                        return True
    return False


def _import_anchor(module: cst.Module) -> cst.CSTNode | None:
    """The statement after which an import goes: the last top-level import, else the
    module docstring, else nothing (the import goes first)."""
    anchor = None
    for index, statement in enumerate(module.body):
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


def _key_from_file(path: str) -> str | None:
    name = PurePosixPath(path).name
    for suffix, category in FILE_KEY_SUFFIXES.items():
        source = name[: -len(suffix)] if name.endswith(suffix) else ""
        if source and source.replace("_", "").isalnum() and source.islower():
            return f"{source}.{category}"
    return None

