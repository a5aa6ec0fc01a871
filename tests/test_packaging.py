"""One distribution, installed under its own name (``osiris_driver_kit``): nothing under
``osiris``, which belongs to osiris-pipeline."""

import ast
import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import tomllib
from osiris_driver_kit.generator.catalogue import BACKENDS

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_every_package_folder_is_listed_under_its_kit_name():
    mapping = PYPROJECT["tool"]["setuptools"]["package-dir"]
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    for name, folder in mapping.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder).parts
            assert ".".join((name, *relative)) in listed, f"{init.parent} is not in packages"


def test_the_console_scripts_are_declared():
    assert set(PYPROJECT["project"]["scripts"]) == {"osiris-gen", "osiris-lint", "osiris-run"}


@pytest.mark.slow
def test_the_wheel_installs_only_the_kit_package_and_nothing_under_osiris(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path),
                    str(ROOT)], check=True, capture_output=True)
    [wheel] = tmp_path.glob("*.whl")
    top_level = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert {t for t in top_level if not t.endswith(".dist-info")} == {"osiris_driver_kit"}


OSIRIS_PIPELINE = "osiris-pipeline==0.5.7"
PUBLIC = ROOT / "tests" / "osiris_pipeline" / "public"
VERIFY_INSTALL = r'''
import base64, hashlib, importlib.metadata as md, json, sys
theirs = md.distribution("osiris-pipeline")
changed = []
for file in theirs.files:
    if file.hash is None:
        continue
    digest = hashlib.new(file.hash.mode, file.locate().read_bytes()).digest()
    if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != file.hash.value:
        changed.append(str(file))
ours = [str(f) for f in md.distribution("osiris-driver-kit").files]
import osiris.core.driver as driver
print(json.dumps({"changed": changed, "checked": sum(f.hash is not None for f in theirs.files),
                  "ours_under_osiris": [f for f in ours if f.split("/")[0] in ("osiris", "components")],
                  "driver_file": driver.__file__,
                  "populates": hasattr(driver.DriverRegistry, "populate_from_component_specs")}))
'''
SEED_DRIVER = '''
from osiris.core.driver import DriverRegistry


class SeedExtractorDriver:
    def run(self, step_id, config, inputs, ctx):
        return {}


DriverRegistry.register("seed.extractor", SeedExtractorDriver())
'''


@pytest.fixture(scope="module")
def kit_wheel(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(folder),
                    str(ROOT)], check=True, capture_output=True)
    [wheel] = folder.glob("*.whl")
    return wheel


@pytest.mark.slow
@pytest.mark.parametrize("kit_first", [False, True], ids=["osiris-pipeline-first", "kit-first"])
def test_the_kit_installs_beside_osiris_pipeline_and_leaves_it_whole(tmp_path, kit_wheel,
                                                                      kit_first):
    """Both from the package index into one venv, in either order: every file of
    osiris-pipeline keeps its RECORD hash, ``import osiris.core.driver`` is theirs, and
    osiris-run runs their drivers from their specs."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    installs = [[str(kit_wheel)], [OSIRIS_PIPELINE]]
    for packages in installs if kit_first else installs[::-1]:
        done = subprocess.run([str(python), "-m", "pip", "install", "-q", *packages],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-3000:]

    verified = subprocess.run([str(python), "-c", VERIFY_INSTALL], capture_output=True,
                              text=True, cwd=tmp_path)
    assert verified.returncode == 0, verified.stderr
    facts = json.loads(verified.stdout)
    assert facts["checked"] > 100 and facts["changed"] == []
    assert facts["ours_under_osiris"] == []
    assert facts["driver_file"].startswith(str(venv)) and facts["populates"]

    project = tmp_path / "project"
    shutil.copytree(PUBLIC, project, ignore=shutil.ignore_patterns("__pycache__"))
    (project / "data").mkdir()
    (project / "data" / "in.csv").write_text("id,name\n1,ann\n2,bob\n")
    (project / "pipeline.yaml").write_text(
        "steps:\n"
        "  - {id: extract, driver: filesystem.csv_extractor, config: {path: data/in.csv}}\n"
        "  - {id: load, driver: filesystem.csv_writer, needs: [extract],"
        " config: {path: out/names.csv}}\n")
    ran = subprocess.run([str(venv / "bin" / "osiris-run"), "pipeline.yaml"], cwd=project,
                         capture_output=True, text=True)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert (project / "out" / "names.csv").read_text() == "id,name\n1,ann\n2,bob\n"

    # A contract-style driver meets osiris-pipeline's registry: a clear error, not a mystery.
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "seed_extractor_driver.py").write_text(SEED_DRIVER)
    (seeds / "pipeline.yaml").write_text("steps:\n  - {id: e, driver: seed.extractor}\n")
    seeded = subprocess.run([str(venv / "bin" / "osiris-run"), "pipeline.yaml", "--drivers", "."],
                            cwd=seeds, capture_output=True, text=True)
    assert seeded.returncode == 2
    assert "its DriverRegistry.register is an instance method taking a factory" in seeded.stderr


def test_the_runtime_needs_jsonschema_and_the_generated_tests_only_the_test_extra():
    dependencies = [re.split(r"[<>=;\[ ]", d)[0] for d in PYPROJECT["project"]["dependencies"]]
    assert "jsonschema" in dependencies  # osiris-run checks configs against component specs
    assert [re.split(r"[<>=;\[ ]", d)[0]
            for d in PYPROJECT["project"]["optional-dependencies"]["test"]] == ["pytest"]


def _distributions(requirements: list[str]) -> set[str]:
    extras = PYPROJECT["project"]["optional-dependencies"]
    found = set()
    for requirement in requirements:
        name = re.split(r"[<>=;\[ ]", requirement)[0]
        if name == "osiris-driver-kit":
            wanted = re.search(r"\[(.*)\]", requirement).group(1).split(",")
            found |= _distributions([r for extra in wanted for r in extras[extra]])
        else:
            found.add(name.lower())
    return found


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
def test_what_the_generated_code_imports_comes_with_the_install_the_readme_gives(tmp_path,
                                                                                 backend):
    """``pip install 'osiris-driver-kit[<backend's extra>,test]'`` is all a user needs to
    run the generated drivers and their tests."""
    for category in backend.categories:
        made = subprocess.run([str(Path(sys.executable).with_name("osiris-gen")), category,
                               backend.name], cwd=tmp_path, capture_output=True, text=True)
        assert made.returncode == 0, made.stderr
    extras = ["test", *([backend.extra] if backend.extra else [])]
    allowed = _distributions([*PYPROJECT["project"]["dependencies"],
                              f"osiris-driver-kit[{','.join(extras)}]"]) | {"osiris-driver-kit"}
    local = {"drivers", "osiris"}  # the project's package; the kit provides osiris.core.driver
    owners = importlib.metadata.packages_distributions()
    for source in [*tmp_path.glob("drivers/*.py"), *tmp_path.glob("tests/*.py")]:
        for module in _top_level_imports(source):
            if module in sys.stdlib_module_names or module in local:
                continue
            assert {d.lower() for d in owners.get(module, [])} & allowed, \
                f"{source.name} imports {module}, which {extras} does not install"


def _top_level_imports(source: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level:
            found.add(node.module.split(".")[0])
    return found
