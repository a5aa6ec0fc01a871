"""OSD050 untested-driver."""

from __future__ import annotations

from ...engine.project import Project, ProjectReport
from ...engine.rule import Example, ProjectRule
from .tested import reach_of_tests

_CASES = "happy path, missing configuration, invalid input, connection failure, metric emission"


class UntestedDriver(ProjectRule):
    code = "OSD050"
    name = "untested-driver"
    message = "{detail}"
    explanation = f"""
## What it checks
That some test module reaches every driver module: imports it, or names its registry key
or its module in quotes (`DriverRegistry.get("csv.writer")`, `DRIVER_MODULE =
"drivers.csv_writer_driver"`). Test modules are `test_*.py`, `*_test.py`, `conftest.py`
and the files of `tests/` folders anywhere under the project root (where the
`pyproject.toml` is), linted or not, so the hook that lints one changed driver finds its
tests as CI does. `.gitignore` and `exclude` apply.

## Why
The contract's testing requirements: every driver has tests for the {_CASES} cases. A
driver no test touches can break with every check green. This rule sees that no test
exists; `pytest --osiris-require-cases` (the kit's pytest plugin) proves each of the five
cases passes.

## Not followed
Whether the tests that reach a driver cover the five cases: that is the plugin's job. A
test that reaches a driver only through a string built at run time is not seen.

## Fix
Write the tests: `osiris-gen` renders them for a driver it generates (five cases, marked
with `@pytest.mark.osiris_case`). For a hand-written driver, add a test module that imports
it or gets it from the registry by its key.
"""
    VALID = [
        Example("""
            from osiris.core.driver import DriverRegistry

            class CsvWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    ctx.log_metric("rows_written", 0)
                    return {}

            DriverRegistry.register("csv.writer", CsvWriterDriver())
        """, path="drivers/csv_writer_driver.py", others={
            "tests/test_csv_writer.py": """
                from drivers.csv_writer_driver import CsvWriterDriver

                def test_happy_path():
                    assert CsvWriterDriver()
            """}),
        Example("""
            from osiris.core.driver import DriverRegistry

            class CsvWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    ctx.log_metric("rows_written", 0)
                    return {}

            DriverRegistry.register("csv.writer", CsvWriterDriver())
        """, path="drivers/csv_writer_driver.py", others={
            "tests/drivers_test.py": """
                from osiris.core.driver import DriverRegistry

                def test_registered():
                    assert DriverRegistry.get("csv.writer")
            """}),
        Example("""
            class OrdersExtractorDriver:
                def run(self, *, step_id, config, inputs, ctx):
                    ctx.log_metric("rows_read", 0)
                    return {"df": None}
        """, path="mypkg/drivers/orders_extractor_driver.py", target="osiris-pipeline", others={
            "components/orders.extractor/spec.yaml": """
                name: orders.extractor
                version: 1.0.0
                modes: [extract]
                x-runtime:
                  driver: mypkg.drivers.orders_extractor_driver.OrdersExtractorDriver
            """,
            "tests/test_orders.py": """
                import importlib

                DRIVER_MODULE = "mypkg.drivers.orders_extractor_driver"

                def test_loads():
                    assert importlib.import_module(DRIVER_MODULE)
            """}),
    ]
    INVALID = [
        Example("""
            from osiris.core.driver import DriverRegistry

            class CsvWriterDriver:  # expect: OSD050
                def run(self, step_id, config, inputs, ctx):
                    ctx.log_metric("rows_written", 0)
                    return {}

            DriverRegistry.register("csv.writer", CsvWriterDriver())
        """, path="drivers/csv_writer_driver.py"),
        Example("""
            from osiris.core.driver import DriverRegistry

            class CsvWriterDriver:  # expect: OSD050
                def run(self, step_id, config, inputs, ctx):
                    ctx.log_metric("rows_written", 0)
                    return {}

            DriverRegistry.register("csv.writer", CsvWriterDriver())
        """, path="drivers/csv_writer_driver.py", others={
            "tests/test_csv_extractor.py": """
                from drivers.csv_extractor_driver import CsvExtractorDriver

                def test_reads():
                    assert CsvExtractorDriver()
            """,
            "drivers/csv_extractor_driver.py": """
                from osiris.core.driver import DriverRegistry

                class CsvExtractorDriver:
                    def run(self, step_id, config, inputs, ctx):
                        ctx.log_metric("rows_read", 0)
                        return {"df": None}

                DriverRegistry.register("csv.extractor", CsvExtractorDriver())
            """}),
        Example("""
            class OrdersExtractorDriver:  # expect: OSD050
                def run(self, *, step_id, config, inputs, ctx):
                    ctx.log_metric("rows_read", 0)
                    return {"df": None}
        """, path="mypkg/drivers/orders_extractor_driver.py", target="osiris-pipeline", others={
            "components/orders.extractor/spec.yaml": """
                name: orders.extractor
                version: 1.0.0
                modes: [extract]
                x-runtime:
                  driver: mypkg.drivers.orders_extractor_driver.OrdersExtractorDriver
            """,
            "scripts/smoke.py": """
                from mypkg.drivers.orders_extractor_driver import OrdersExtractorDriver
            """}),
    ]

    def check_project(self, project: Project) -> list[ProjectReport]:
        settings = project.settings
        reach = None
        reports = []
        for facts in sorted(project.files, key=lambda f: f.path):
            drivers = [c for c in facts.classes if c.driver and not c.abstract]
            if facts.is_test or not drivers:
                continue
            reach = reach or reach_of_tests(settings.root, settings.exclude)
            keys = sorted({r.key for r in facts.registrations if r.key}
                          | {k for named in project.external_keys(facts).values() for k in named if k})
            if reach.reaches(facts.module, keys):
                continue
            named = f" or names its key {', '.join(map(repr, keys))}" if keys else ""
            modules = "module" if reach.test_files == 1 else "modules"
            found = (f"none of the project's {reach.test_files} test {modules} imports it{named}"
                     if reach.test_files else
                     "the project has no test modules (test_*.py, *_test.py, tests/)")
            reports.append(ProjectReport(self, facts.path, drivers[0].statement, (
                f"driver module {facts.path} has no tests: {found}; the contract wants tests "
                f"for the {_CASES} cases (osiris-gen writes them)")))
        return reports
