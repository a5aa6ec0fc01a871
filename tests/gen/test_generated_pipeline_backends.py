"""The same proof for ``--target osiris-pipeline``: every backend of every category,
generated into one project, is ruff-clean and osiris-lint-clean, imports without
osiris, registers nothing at import, passes its own generated tests against the real
servers, has a spec the public schema accepts, and is loaded from that spec and run by
osiris-pipeline's own DriverRegistry."""

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from osiris_driver_kit.contract.rules import CATEGORIES
from osiris_driver_kit.contract.targets import Target, input_key
from osiris_driver_kit.generator.catalogue import BACKENDS
from osiris_driver_kit.generator.generation import generate
from osiris_driver_kit.generator.rendering import Request

from .test_generated_backends import (
    SCHEMA,
    assert_every_test_module_covers_the_five_cases,
    assert_generated_tests_pass,
    assert_no_osiris_lint_finding,
    assert_ruff_clean,
    assert_specs_valid,
    generate_project,
    run,
)

# osiris-pipeline's registry, vendored unchanged (stdlib only; see its SOURCE.md).
THEIR_REGISTRY = (Path(__file__).resolve().parents[1] / "osiris_pipeline" / "public" / "osiris"
                  / "core" / "driver.py")
PACKAGE = "drivers"  # the import path of the generated drivers folder


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return generate_project(tmp_path_factory.mktemp("generated_pipeline"), Target.OSIRIS_PIPELINE)


def test_every_backend_and_skeleton_was_generated_the_osiris_pipeline_way(project):
    drivers = sorted((project / "drivers").glob("*_driver.py"))
    assert len(drivers) == sum(len(b.categories) for b in BACKENDS) + len(CATEGORIES) + 2
    assert len(list((project / "tests").glob("test_*.py"))) == len(drivers)
    assert {path.name for path in drivers} >= {"sql_processor_driver.py", "acme_processor_driver.py"}
    for path in drivers:
        source = path.read_text()
        assert "DriverRegistry" not in source and "ctx.log_event" not in source, path
        assert "def run(\n        self, *, step_id: str, config: dict, inputs: dict | None = None, " \
               "ctx=None\n    ) -> dict:" in source, path


def test_the_generated_code_passes_ruff(project):
    assert_ruff_clean(project)


def test_the_generated_code_has_no_osiris_lint_finding(project):
    assert_no_osiris_lint_finding(project, "--target", "osiris-pipeline")


def test_every_generated_test_module_covers_the_five_cases(project):
    assert_every_test_module_covers_the_five_cases(project)


def test_the_generated_tests_pass_against_the_real_backends(project):
    assert_generated_tests_pass(project, Target.OSIRIS_PIPELINE)


@pytest.mark.skipif(not SCHEMA.exists(), reason=f"the public spec schema is not at {SCHEMA}")
def test_every_spec_is_valid_for_the_public_schema(project):
    assert_specs_valid(project)


def test_every_spec_names_its_driver_class_in_x_runtime(project):
    for path in sorted((project / "components").glob("*/spec.yaml")):
        spec = yaml.safe_load(path.read_text())
        family, kind = spec["name"].split(".")
        class_name = "".join(w.capitalize() for w in [*family.split("_"), kind, "driver"])
        assert spec["name"] == path.parent.name
        assert spec["x-runtime"]["driver"] == f"{PACKAGE}.{family}_{kind}_driver.{class_name}"
        assert spec["modes"] == [{"extractor": "extract", "writer": "write",
                                  "processor": "transform"}[kind]]


NO_OSIRIS = """
import importlib, pathlib, sys

class NoOsiris:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "osiris":
            raise ImportError(f"{name}: osiris-pipeline is not installed here")

sys.meta_path.insert(0, NoOsiris())
for path in sorted(pathlib.Path("drivers").glob("*_driver.py")):
    importlib.import_module(f"drivers.{path.stem}")
print("imported", len(list(pathlib.Path("drivers").glob("*_driver.py"))))
"""


def test_every_driver_module_imports_without_osiris(project):
    imported = run(sys.executable, "-c", NO_OSIRIS, cwd=project)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert imported.stdout.strip() == f"imported {len(list(project.glob('drivers/*_driver.py')))}"


@pytest.fixture
def their_registry(project, monkeypatch):
    """osiris-pipeline's DriverRegistry, with the generated package importable as its
    factories import it; the package is forgotten afterwards."""
    spec = importlib.util.spec_from_file_location("osiris_pipeline_driver", THEIR_REGISTRY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    ours = [name for name in sys.modules if name.split(".")[0] == PACKAGE]
    saved = {name: sys.modules.pop(name) for name in ours}
    monkeypatch.syspath_prepend(str(project))
    yield module.DriverRegistry()
    for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[name]
    sys.modules.update(saved)


class RunnerContext:
    """What osiris-pipeline's local runner gives a driver (core/runner_v0.py)."""

    def __init__(self, output_dir: Path, metrics: list) -> None:
        self.output_dir = output_dir
        self._metrics = metrics

    def log_metric(self, name: str, value, **kwargs) -> None:
        self._metrics.append((name, value))


def test_osiris_pipelines_own_registry_loads_and_runs_the_generated_drivers(
    project, their_registry, tmp_path
):
    specs = {path.parent.name: yaml.safe_load(path.read_text())
             for path in (project / "components").glob("*/spec.yaml")}
    summary = their_registry.populate_from_component_specs(specs, verify_import=True)
    assert summary.errors == {} and set(summary.registered) == set(specs)

    (tmp_path / "orders.csv").write_text("id,customer,amount\n1,ann,10.5\n2,bob,4\n3,ann,2.25\n")
    steps = [
        ("extract-orders", "csv.extractor", {"path": str(tmp_path / "orders.csv")}, []),
        ("totals", "sql.processor", {"query": "SELECT customer, sum(amount) AS total "
                                              "FROM input_df GROUP BY customer ORDER BY customer"},
         ["extract-orders"]),
        ("load", "csv.writer", {"path": str(tmp_path / "out" / "totals.csv"),
                                "write_mode": "replace"}, ["totals"]),
    ]
    results, metrics = {}, []
    for step_id, name, config, needs in steps:
        inputs = None
        if needs:  # as runner_v0 wires them: the whole result, and its frame as df_<id>
            inputs = {}
            for upstream in needs:
                inputs[upstream] = results[upstream]
                inputs[input_key(upstream)] = results[upstream]["df"]
        driver = their_registry.get(name)
        assert driver is not their_registry.get(name)  # a fresh instance per step
        results[step_id] = driver.run(step_id=step_id, config=config, inputs=inputs,
                                      ctx=RunnerContext(tmp_path / step_id, metrics))

    assert results["load"] == {}
    assert pd.read_csv(tmp_path / "out" / "totals.csv").to_dict("records") == [
        {"customer": "ann", "total": 12.75}, {"customer": "bob", "total": 4.0},
    ]
    assert metrics == [("rows_read", 3), ("rows_processed", 2), ("rows_written", 2)]


def test_x_runtime_driver_starts_with_the_import_path_of_the_drivers_folder(tmp_path):
    """--out src/shop/drivers inside the package src/shop: "shop.drivers.<module>.<Class>",
    imported from src/, which the generated tests put on sys.path as osiris-pipeline needs."""
    (tmp_path / "src" / "shop").mkdir(parents=True)
    (tmp_path / "src" / "shop" / "__init__.py").write_text("")
    generate(Request("extractor", "csv", "csv", tmp_path / "src" / "shop" / "drivers",
                     tmp_path / "tests", tmp_path / "components", Target.OSIRIS_PIPELINE))
    spec = yaml.safe_load((tmp_path / "components" / "csv.extractor" / "spec.yaml").read_text())
    assert spec["x-runtime"]["driver"] == "shop.drivers.csv_extractor_driver.CsvExtractorDriver"
    tested = run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests",
                 cwd=tmp_path)
    assert tested.returncode == 0, tested.stdout[-4000:] + tested.stderr[-2000:]
