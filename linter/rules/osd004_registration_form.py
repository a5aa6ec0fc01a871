"""OSD004 registration-form."""

from __future__ import annotations

import re

import libcst as cst

from ..analysis import categories
from ..analysis.drivers import DriverClass, RegistrationCall, built_without_arguments
from ..engine.findings import Fix
from ..engine.rule import Example, FileContext, Rule

KEY_FORM = re.compile(r"[a-z0-9_]+\.[a-z0-9_]+")  # the runtime's DriverRegistry accepts these
CLASS_LEVEL_CALL = ("DriverRegistry.register is called on the class, but osiris-pipeline's "
                    "register is an instance method taking a factory, so this raises TypeError")


class RegistrationForm(Rule):
    code = "OSD004"
    message = "{problem}; {wanted}"
    fixable = True
    explanation = """
## What it checks
Every `DriverRegistry.register(...)` call in a file (at module level or not; through an
imported alias of `DriverRegistry` too), for:
- a key that is not a string literal of the form `family.type` (lowercase letters,
  digits and `_` on both sides of one dot), reported at the key;
- a key whose type part names a category that contradicts the registered driver's,
  when the driver class is defined in the same file: its category from the file name,
  else the class name, else its other registration (`"pg.writer"` for
  `PgExtractorDriver`), reported at the key;
- anything but a fresh instance as the driver: the class itself (`MyDriver`), a variable,
  a lambda or factory, or nothing, reported at that argument.

## Why
The runner looks drivers up by key and calls `run` on what was registered. A class
registered instead of an instance fails on the first run (`run()` is then an unbound
function missing `self`); a key out of form is rejected by the registry at import time;
a key whose type part says "writer" for an extractor makes the pipeline wire it as one.

## Accepted
Keyword arguments in the constructor call (`MyDriver(timeout=30)`); any call that
builds the driver (`drivers.PgDriver()`); a type part that names no category
(`"duckdb.sql"`), which does not contradict anything.

## Decisions
- Test files are not checked: tests register stand-ins into isolated registries.
- A key is compared with a driver only when the class is defined in the same file.

## Not followed
Whether a call that builds the driver (`make_driver()`, `drivers.PgDriver()`) really
returns a fresh driver instance, what a key built at run time would be (it is reported
as not a literal), and the category of a class imported from another module.

## Fix
`--fix` turns `DriverRegistry.register("csv.writer", CsvWriterDriver)` into
`DriverRegistry.register("csv.writer", CsvWriterDriver())` when the class is defined in
the same file and can be built without arguments. Keys are never rewritten: renaming a
key changes every pipeline that uses it.
"""
    targets = """
Under `osiris-pipeline`, `DriverRegistry.register` is an instance method taking a
factory (`registry.register(name, Class)`, `registry.register(name, lambda: Class())`,
which the rule accepts): any call on the class itself, `DriverRegistry.register("k",
X())`, raises `TypeError` there and is reported with that reason; drivers are
registered by their component spec instead. Keys are not checked and no fix is offered.
"""
    VALID = [
        Example("""
            from osiris.core.driver import DriverRegistry


            class PostgresExtractorDriver:
                def __init__(self, connect_timeout: int = 10) -> None:
                    self.connect_timeout = connect_timeout

                def run(self, step_id, config, inputs, ctx):
                    return {"df": self._read(config)}


            DriverRegistry.register("postgres.extractor", PostgresExtractorDriver(connect_timeout=5))
        """, path="postgres_extractor_driver.py"),
        Example("""
            from osiris.core.driver import DriverRegistry as Registry

            from . import drivers
            from .mysql_writer_driver import MySQLWriterDriver

            Registry.register("mysql.writer", MySQLWriterDriver())
            Registry.register(key="mysql_v2.writer", target=drivers.MySQLWriterDriver())
        """, path="osiris_mysql/__init__.py"),
        Example("""
            from osiris.core.driver import DriverRegistry


            class DuckdbSqlDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {"df": self._query(config["sql"])}


            DriverRegistry.register("duckdb.processor", DuckdbSqlDriver())
            DriverRegistry.register("duckdb.sql", DuckdbSqlDriver())
        """, path="duckdb_sql.py"),
        Example("""
            import pytest
            from osiris.core.driver import DriverRegistry


            class FakeExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {"df": None}


            def test_registry_builds_factories():
                with DriverRegistry.isolated():
                    DriverRegistry.register("fake.extractor", FakeExtractorDriver)
        """, path="tests/test_registry.py"),
        Example("""
            from osiris.core.driver import DriverRegistry

            from .drivers.csv_writer_driver import CsvWriterDriver

            registry = DriverRegistry()
            registry.register("csv.writer", CsvWriterDriver)
            registry.register("csv.writer_v2", lambda: CsvWriterDriver())
        """, path="acme/registry.py", target="osiris-pipeline"),
    ]
    INVALID = [
        Example("""
            from osiris.core.driver import DriverRegistry


            class CsvWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    inputs["df"].to_csv(config["path"], index=False)
                    return {}


            DriverRegistry.register("csv.writer", CsvWriterDriver)  # expect: OSD004
        """, path="csv_writer_driver.py"),
        Example("""
            from osiris.core.driver import DriverRegistry


            class PostgresExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {"df": self._read(config)}


            DriverRegistry.register("Postgres-Extractor", PostgresExtractorDriver())  # expect: OSD004
            DriverRegistry.register("postgres.writer", PostgresExtractorDriver())  # expect: OSD004
        """, path="postgres_extractor_driver.py"),
        Example("""
            from osiris.core.driver import DriverRegistry

            from .sqlite_extractor_driver import SqliteExtractorDriver

            FAMILY = "sqlite"
            _shared = SqliteExtractorDriver()

            DriverRegistry.register(f"{FAMILY}.extractor", _shared)  # expect: OSD004, OSD004
            DriverRegistry.register("sqlite_v2.extractor", lambda: SqliteExtractorDriver())  # expect: OSD004
        """, path="osiris_sqlite/__init__.py"),
        Example("""
            from osiris.core.driver import DriverRegistry


            class DuckdbWriterDriver:
                def __init__(self, database: str) -> None:
                    self.database = database

                def run(self, step_id, config, inputs, ctx):
                    return {}


            def register_all():
                DriverRegistry.register("duckdb.writer", DuckdbWriterDriver)  # expect: OSD004
                DriverRegistry.register("duckdb")  # expect: OSD004, OSD004
        """, path="duckdb_writer_driver.py"),
        Example("""
            from osiris.core.driver import DriverRegistry


            class CsvWriterDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    return {}


            DriverRegistry.register("csv.writer", CsvWriterDriver())  # expect: OSD004
        """, path="csv_writer_driver.py", target="osiris-pipeline"),
    ]

    def check_file(self, file: FileContext) -> None:
        if file.is_test:
            return
        if not file.settings.facts.registers_at_import:
            for reg in file.registrations:  # each one a call on the class itself
                file.report(self, reg.node, problem=CLASS_LEVEL_CALL, wanted=_spec_wanted(reg))
            return
        classes = {s.name.value: s for s in file.module.body if type(s) is cst.ClassDef}
        drivers = {d.name: d for d in file.drivers}
        naming = file.settings.naming
        for reg in file.registrations:
            key_problem, key = _key_problem(reg, drivers.get(reg.target_name or ""), file.path,
                                            naming)
            if key_problem:
                file.report(self, reg.key_node or reg.node, problem=key_problem,
                            wanted=_wanted(reg, key))
            if reg.form != "instance":
                node = reg.target if reg.target is not None else reg.node
                file.report(self, node, fix=_instance_fix(reg, classes),
                            problem=_target_problem(reg), wanted=_wanted(reg, key))


def _key_problem(reg: RegistrationCall, driver: DriverClass | None, path: str,
                 naming: categories.Naming) -> tuple[str | None, str]:
    """What is wrong with the key, if anything, and the key to suggest."""
    if reg.key_node is None:
        return "this registration has no key", "family.type"
    if reg.key is None:
        return "the key is not a string literal", "family.type"
    if not KEY_FORM.fullmatch(reg.key):
        return (f"the key {reg.key!r} is not of the form family.type (lowercase letters, "
                f"digits, _)"), "family.type"
    said = naming.from_key(reg.key)
    if driver is None or said is None:
        return None, reg.key
    category, source = naming.resolve(path, driver.name, [])
    if category is None:
        category, source = driver.category, driver.category_source
    if category is None or category == said:
        return None, reg.key
    return (f"the key {reg.key!r} says {said}, but {driver.name} is "
            f"{categories.with_article(category)} ({categories.EVIDENCE[source or 'key']} "
            f"says so)"), f"{reg.key.split('.')[0]}.{category}"


def _target_problem(reg: RegistrationCall) -> str:
    if reg.target is None:
        return "this registration passes no driver"
    if reg.form == "class" and reg.target_name and reg.target_name[:1].isupper():
        return f"this registers {reg.target_name} itself, not an instance"
    return f"this registers {_code(reg.target)} instead of a fresh driver instance"


def _wanted(reg: RegistrationCall, key: str) -> str:
    return f'the contract registers DriverRegistry.register("{key}", {_class_name(reg)}())'


def _spec_wanted(reg: RegistrationCall) -> str:
    folder = reg.key if reg.key and KEY_FORM.fullmatch(reg.key) else "<family>.<type>"
    return (f"osiris-pipeline registers drivers from component specs: name the class in "
            f"components/{folder}/spec.yaml (x-runtime: {{driver: package.module."
            f"{_class_name(reg)}}}), or call register(name, {_class_name(reg)}) on a "
            f"DriverRegistry instance")


def _class_name(reg: RegistrationCall) -> str:
    return reg.target_name if reg.target_name and reg.target_name[:1].isupper() else "MyDriver"


def _instance_fix(reg: RegistrationCall, classes: dict[str, cst.ClassDef]) -> Fix | None:
    """``MyDriver`` -> ``MyDriver()``, only for a class of this file built without arguments."""
    target = reg.target
    if type(target) is not cst.Name or target.value not in classes \
            or not built_without_arguments(classes[target.value]):
        return None
    return Fix(f"Register an instance: {target.value}()", {target: cst.Call(func=target)})



def _code(node: cst.CSTNode) -> str:
    text = cst.Module(body=[]).code_for_node(node)
    return text if len(text) <= 40 else text[:37] + "..."
