"""A pre-commit hook passes only the changed files; CI lints the whole project. The
project rules (OSD003, OSD005) still see the rest of the project, so both report the
same findings for every file."""

import json

import pytest

DRIVER = '''\
import pandas as pd
{import_registry}

class {cls}:
    def run(self, step_id, config, inputs, ctx):
        try:
            if not config.get("path"):
                raise ValueError("needs config['path']")
            df = pd.read_csv(config["path"])
            ctx.log_metric("rows_read", len(df))
            return {{"df": df}}
        except Exception as e:
            ctx.log_event("step_failed", {{"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__}})
            raise
{registration}'''
REGISTRY = "from osiris.core.driver import DriverRegistry\n"


def driver(cls: str, key: str | None) -> str:
    registration = f'\n\nDriverRegistry.register("{key}", {cls}())\n' if key else ""
    return DRIVER.format(cls=cls, import_registry=REGISTRY if key else "",
                         registration=registration)


@pytest.fixture
def package(project):
    project.write("pyproject.toml", "[tool.osiris-lint]\n")
    project.write("pkg/drivers/__init__.py", REGISTRY + (
        "from .orders_extractor_driver import OrdersExtractorDriver\n\n"
        'DriverRegistry.register("orders.extractor", OrdersExtractorDriver())\n'))
    project.write("pkg/drivers/orders_extractor_driver.py", driver("OrdersExtractorDriver", None))
    project.write("pkg/drivers/copy_extractor_driver.py",
                  driver("CopyExtractorDriver", "orders.extractor"))
    project.write("pkg/drivers/lost_extractor_driver.py", driver("LostExtractorDriver", None))
    project.write("pkg/drivers/shop_extractor_driver.py",
                  driver("ShopExtractorDriver", "shop.extractor"))
    return project


def findings(project, *paths: str) -> set[tuple[str, str, int]]:
    linted = project.lint("--no-cache", "--output-format", "json", *paths)
    assert linted.returncode in (0, 1), linted.stderr
    return {(f["filename"], f["code"], f["location"]["row"]) for f in json.loads(linted.stdout)}


def test_each_file_alone_gets_what_the_whole_run_gives_it(package):
    whole = findings(package, ".")
    assert {(path, code) for path, code, _ in whole} == {
        ("pkg/drivers/__init__.py", "OSD005"), ("pkg/drivers/copy_extractor_driver.py", "OSD005"),
        ("pkg/drivers/lost_extractor_driver.py", "OSD003")}
    for path in sorted((package.root / "pkg" / "drivers").glob("*.py")):
        relative = path.relative_to(package.root).as_posix()
        assert findings(package, relative) == {f for f in whole if f[0] == relative}, relative


def test_fix_on_a_driver_registered_in_its_package_adds_nothing(package):
    path = package.root / "pkg/drivers/orders_extractor_driver.py"
    before = path.read_text()
    fixed = package.lint("--fix", "pkg/drivers/orders_extractor_driver.py")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert path.read_text() == before


def test_the_rest_of_the_project_is_read_through_the_cache(package):
    """Of the other files, a hook lints only those that name one of its drivers'
    classes or keys (here __init__.py, which registers the same key), and caches
    them; the next runs only read them."""
    package.lint("pkg/drivers/copy_extractor_driver.py")
    entries = sorted((package.root / ".osiris_lint_cache").rglob("*.json"))
    assert len(entries) == 2  # the linted file and __init__.py
    stamps = [entry.stat().st_mtime_ns for entry in entries]
    again = package.lint("pkg/drivers/copy_extractor_driver.py", "--output-format", "json")
    assert {f["code"] for f in json.loads(again.stdout)} == {"OSD005"}
    assert [entry.stat().st_mtime_ns for entry in entries] == stamps
