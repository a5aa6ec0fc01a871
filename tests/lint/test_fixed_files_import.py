"""--fix never writes code that fails to import: every INVALID example and corpus file
with a registration fix (OSD003, OSD004) is fixed, then imported in a fresh interpreter
with the kit's fallback osiris.core.driver (third-party clients that are not installed
are stubbed: the import order of the file's own names is what is tested)."""

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from osiris_driver_kit.linter.rules import rule_classes

from .support import lint_files

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
REGISTRATION = frozenset({"OSD003", "OSD004"})

IMPORTER = textwrap.dedent('''\
    import ast, importlib, importlib.util, sys, types
    from osiris_driver_kit.runtime import osiris_fallback

    osiris_fallback.install()


    class Stub(types.ModuleType):
        def __getattr__(self, name):
            if name.startswith("__"):
                raise AttributeError(name)
            return type(name, (), {"__init__": lambda self, *a, **k: None})


    root, module, path = sys.argv[1:]
    sys.path.insert(0, root)
    for node in ast.walk(ast.parse(open(path, encoding="utf-8").read())):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \\
            [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level \\
            else []
        for name in names:
            top = name.split(".")[0]
            if top not in sys.modules and importlib.util.find_spec(top) is None:
                parts = name.split(".")
                for end in range(1, len(parts) + 1):
                    stub = sys.modules[".".join(parts[:end])] = Stub(".".join(parts[:end]))
                    stub.__path__ = []
    importlib.import_module(module)
''')


def imports(root: Path, relative: str) -> subprocess.CompletedProcess:
    module = relative.removesuffix(".py").replace("/", ".")
    return subprocess.run([sys.executable, "-c", IMPORTER, str(root), module,
                           str(root / relative)], capture_output=True, text=True, timeout=120)


def registration_fixes():
    for rule in rule_classes():
        for index, example in enumerate(rule.INVALID):
            outcome = lint_files(example.files(), REGISTRATION, target=example.target)
            if any(f.fixable for f in outcome.findings):
                yield pytest.param(example, id=f"{rule.code}-INVALID-{index}")


@pytest.mark.parametrize("example", list(registration_fixes()))
def test_a_fixed_example_imports(tmp_path, example):
    files = example.files()
    outcome = lint_files(files, REGISTRATION, fix="fix", root=tmp_path, target=example.target)
    assert outcome.fixes_applied
    assert not [f for f in outcome.findings if f.code == "OSD003"]
    for relative in files:
        if relative.endswith(".py") and "tests/" not in relative:
            done = imports(tmp_path, relative)
            assert done.returncode == 0, (tmp_path / relative).read_text() + done.stderr


def test_the_fixed_corpus_imports(tmp_path):
    project = tmp_path / "corpus"
    shutil.copytree(CORPUS, project)
    files = sorted(p.relative_to(project).as_posix() for p in project.rglob("*.py"))
    outcome = lint_files({f: (project / f).read_bytes() for f in files}, REGISTRATION, fix="fix",
                         root=project)
    changed = [f for f in files if (project / f).read_bytes() != (CORPUS / f).read_bytes()]
    assert outcome.fixes_applied and changed
    for relative in changed:
        done = imports(project, relative)
        assert done.returncode == 0, relative + "\n" + done.stderr


def test_the_registration_goes_below_the_import_and_the_names_it_needs(tmp_path):
    [example] = [e for e in next(r for r in rule_classes() if r.code == "OSD003").INVALID
                 if e.path == "acme/posthog_extractor_driver.py"]
    lint_files(example.files(), REGISTRATION, fix="fix", root=tmp_path)
    text = (tmp_path / example.path).read_text()
    assert text.index("from osiris.core.driver import DriverRegistry") < text.index("class ")
    assert text.rstrip().endswith('TIMEOUT = 30\n\n\nDriverRegistry.register('
                                  '"posthog.extractor", PosthogExtractorDriver())')


def test_no_registration_fix_for_a_class_that_needs_arguments():
    source = textwrap.dedent('''\
        class SnowflakeExtractorDriver:
            def __init__(self, config):
                self.config = config

            def run(self, step_id, config, inputs, ctx):
                return {"df": None}
        ''')
    [finding] = lint_files({"snowflake_extractor_driver.py": source}, REGISTRATION).findings
    assert finding.code == "OSD003" and not finding.fixable


def test_no_registration_fix_under_osiris_pipeline():
    source = "class CsvWriterDriver:\n    def run(self, *, step_id, config, inputs=None, ctx=None):\n" \
             "        return {}\n"
    registers = "from osiris.core.driver import DriverRegistry\n\n" + source + \
        '\n\nDriverRegistry.register("csv.writer", CsvWriterDriver)\n'
    found = lint_files({"csv_writer_driver.py": registers}, REGISTRATION,
                       target="osiris-pipeline").findings
    assert sorted(f.code for f in found) == ["OSD003", "OSD004"]
    assert not any(f.fixable for f in found)
    assert "components/csv.writer/spec.yaml" in next(f for f in found if f.code == "OSD003").message
    assert "TypeError" in next(f for f in found if f.code == "OSD004").message
