"""OSD005 duplicate-registration."""

from __future__ import annotations

from ..engine.project import Project, ProjectReport
from ..engine.rule import Example, ProjectRule


class DuplicateRegistration(ProjectRule):
    code = "OSD005"
    message = "{detail}"
    explanation = """
## What it checks
That no driver key is registered twice at import time in the linted files; both places
are reported. Test files are not counted (tests register into isolated registries).

## Why
The registry holds one driver per key: at run time the second registration either
fails the import ("already registered") or, in other runtimes, silently replaces the
first driver, so a pipeline runs a different driver than its author meant.

## Accepted
The same statement seen twice through a re-export: only distinct registration
statements count.

## Fix
Give one of the drivers another key (`family.type`), or delete the extra registration.
"""
    VALID = [
        Example("""
            from osiris.core.driver import DriverRegistry

            class PgExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {"df": None}

            class PgWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {}

            DriverRegistry.register("postgres.extractor", PgExtractorDriver())
            DriverRegistry.register("postgres.writer", PgWriterDriver())
        """, path="pg_driver.py"),
        Example("""
            from .pg_extractor_driver import PgExtractorDriver
        """, path="drivers/__init__.py", others={
            "drivers/pg_extractor_driver.py": """
                from osiris.core.driver import DriverRegistry

                class PgExtractorDriver:
                    def run(self, step_id, config, inputs, ctx):
                        return {"df": None}

                DriverRegistry.register("postgres.extractor", PgExtractorDriver())
            """,
            "drivers/reexport.py": "from .pg_extractor_driver import PgExtractorDriver\n"}),
        Example("""
            from osiris.core.driver import DriverRegistry
            from drivers.csv_writer_driver import CsvWriterDriver

            def test_register_twice_in_isolation(osiris_registry):
                DriverRegistry.register("csv.writer", CsvWriterDriver())
        """, path="tests/test_csv.py", others={
            "drivers/csv_writer_driver.py": """
                from osiris.core.driver import DriverRegistry

                class CsvWriterDriver:
                    def run(self, step_id, config, inputs, ctx):
                        return {}

                DriverRegistry.register("csv.writer", CsvWriterDriver())
            """}),
    ]
    INVALID = [
        Example("""
            from osiris.core.driver import DriverRegistry

            class MysqlExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {"df": None}

            DriverRegistry.register("mysql.extractor", MysqlExtractorDriver())  # expect: OSD005
        """, path="drivers/mysql_extractor_driver.py", others={
            "drivers/mariadb_extractor_driver.py": """
                from osiris.core.driver import DriverRegistry

                class MariadbExtractorDriver:
                    def run(self, step_id, config, inputs, ctx):
                        return {"df": None}

                DriverRegistry.register("mysql.extractor", MariadbExtractorDriver())  # expect: OSD005
            """}),
        Example("""
            from osiris.core.driver import DriverRegistry

            class DuckdbWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {}

            DriverRegistry.register("duckdb.writer", DuckdbWriterDriver())  # expect: OSD005
            DriverRegistry.register("duckdb.writer", DuckdbWriterDriver())  # expect: OSD005
        """, path="duckdb_writer_driver.py"),
        Example("""
            from osiris.core.driver import DriverRegistry
            from .csv_writer_driver import CsvWriterDriver

            DriverRegistry.register("csv.writer", CsvWriterDriver())  # expect: OSD005
        """, path="pkg/__init__.py", others={
            "pkg/csv_writer_driver.py": """
                from osiris.core.driver import DriverRegistry

                class CsvWriterDriver:
                    def run(self, step_id, config, inputs, ctx):
                        return {}

                DriverRegistry.register("csv.writer", CsvWriterDriver())  # expect: OSD005
            """}),
    ]

    def check_project(self, project: Project) -> list[ProjectReport]:
        places: dict[str, list] = {}
        for facts, reg in project.registrations():
            if reg.at_import and reg.key and not facts.is_test:
                places.setdefault(reg.key, []).append((facts, reg))
        reports = []
        for key, found in sorted(places.items()):
            if len(found) < 2:
                continue
            for facts, reg in found:
                others = sorted({f.path for f, r in found if r is not reg})
                where = ", ".join(others)
                detail = (f"driver key {key!r} is registered {len(found)} times "
                          f"(also in {where}); give each driver its own key")
                reports.append(ProjectReport(self, facts.path, reg.statement, detail))
        return reports
