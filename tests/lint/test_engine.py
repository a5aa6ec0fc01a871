"""The engine: robust to broken files and broken rules, parallel and cached
without changing a single finding, and never importing pandas or the runtime."""

import json
import subprocess
import sys

import libcst as cst
import pytest
from osiris_driver_kit.linter.engine.cache import Cache
from osiris_driver_kit.linter.engine.lint_file import Engine
from osiris_driver_kit.linter.engine.lint_run import Linter
from osiris_driver_kit.linter.engine.rule import ProjectRule, Rule
from osiris_driver_kit.linter.engine.settings import Settings
from osiris_driver_kit.linter.engine.source import parse
from osiris_driver_kit.linter.rules import rule_classes

from .conftest import CLEAN_EXTRACTOR, PRINTING_WRITER
from .support import codes_but_untested_driver, lint_files


def summary(outcome):
    return [(f.path, f.line, f.column, f.code) for f in outcome.findings]


def test_a_file_that_does_not_parse_is_osd900_where_cpython_says_and_others_are_linted():
    outcome = lint_files({"a_writer_driver.py": PRINTING_WRITER,
                          "broken.py": "def f(:\n    pass\n"})
    assert summary(outcome) == [("a_writer_driver.py", 6, 9, "OSD020"),
                                ("broken.py", 1, 7, "OSD900")]
    assert "invalid syntax" in outcome.findings[1].message


def test_the_engine_parses_the_tree_libcst_parses_and_validates_what_is_built_after():
    """The engine skips LibCST's node validation while parsing (the parser already
    checked the source); the tree is the same, and every other node is still validated."""
    text = PRINTING_WRITER + "\nclass A:\n    x: int = f(*a, **k) if b else [i async for i in c]\n"
    for source in (text, "def f(:\n", text):
        parsed = parse(source, "a.py")
        if isinstance(parsed, cst.Module):
            assert parsed.deep_equals(cst.parse_module(source))
        with pytest.raises(cst.CSTValidationError):
            cst.Name("not a name")


def test_undecodable_bytes_are_osd901_at_line_1_naming_the_bytes_line():
    outcome = lint_files({"latin.py": b"x = 1\nname = 'Z\xfcrich'\n"})
    assert summary(outcome) == [("latin.py", 1, 1, "OSD901")]
    assert "not valid UTF-8 (byte 0xfc on line 2)" in outcome.findings[0].message


def test_an_unreadable_file_is_osd901_naming_the_reason(tmp_path):
    unreadable = tmp_path / "secret_driver.py"
    unreadable.write_text("x = 1\n")
    unreadable.chmod(0)
    settings = Settings(tmp_path, codes_but_untested_driver())
    outcome = Linter(rule_classes(), settings, cwd=tmp_path).run([unreadable])
    unreadable.chmod(0o644)
    if not outcome.findings:  # running as root: every file is readable
        return
    assert summary(outcome) == [("secret_driver.py", 1, 1, "OSD901")]
    assert "cannot read the file" in outcome.findings[0].message


class ExplodingRule(Rule):
    code = "OSD999"
    name = "exploding"
    message = "{x}"
    explanation = "test rule"
    subscribes = (cst.Return,)

    def visit(self, node, file, driver):
        raise KeyError("boom")


def test_a_crashing_rule_is_a_finding_and_the_other_rules_still_report(tmp_path):
    source = tmp_path / "csv_writer_driver.py"
    source.write_text(PRINTING_WRITER)
    rules = [*rule_classes(), ExplodingRule]
    settings = Settings(tmp_path, codes_but_untested_driver() | {rules[-1].code})
    outcome = Linter(rules, settings, cwd=tmp_path).run([source])
    assert [f.code for f in outcome.findings] == ["OSD903", "OSD020"]
    assert outcome.findings[0].message.startswith("rule OSD999 crashed on this file (KeyError")
    assert outcome.rule_errors


def corpus(tmp_path, count=40):
    for i in range(count):
        body = PRINTING_WRITER if i % 3 == 0 else CLEAN_EXTRACTOR
        (tmp_path / f"d{i}").mkdir()
        (tmp_path / f"d{i}" / f"src{i}_{'writer' if i % 3 == 0 else 'extractor'}_driver.py") \
            .write_text(body.replace('"csv.writer"', f'"w{i}.writer"')
                        .replace('"orders.extractor"', f'"e{i}.extractor"'))
    return sorted(tmp_path.rglob("*.py"))


def test_parallel_linting_finds_exactly_what_one_process_finds(tmp_path):
    files = corpus(tmp_path)
    settings = Settings(tmp_path, codes_but_untested_driver())
    one = Linter(rule_classes(), settings, jobs=1, cwd=tmp_path).run(files)
    two = Linter(rule_classes(), settings, jobs=2, cwd=tmp_path).run(files)
    assert summary(one) == summary(two) and len(one.findings) == 14


def first_and_cached_run(tmp_path, files, monkeypatch):
    """Lint ``files`` filling a new cache, then again with every way to parse forbidden."""
    settings = Settings(tmp_path, codes_but_untested_driver())
    cache = Cache(tmp_path, "test", settings.fingerprint())
    first = Linter(rule_classes(), settings, cache=cache, cwd=tmp_path).run(files)

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed again although the cache knows the answer")

    monkeypatch.setattr(cst, "parse_module", no_parsing)
    monkeypatch.setattr(Engine, "lint", no_parsing)
    return first, Linter(rule_classes(), settings, cache=cache, cwd=tmp_path).run(files)


def test_a_second_run_reads_the_cache_instead_of_parsing(tmp_path, monkeypatch):
    first, second = first_and_cached_run(tmp_path, corpus(tmp_path, count=6), monkeypatch)
    assert summary(second) == summary(first) != []


def test_project_findings_are_placed_once_then_read_from_the_cache(tmp_path, monkeypatch):
    """The position of a duplicate registration is found when OSD005 first needs it
    (the file is parsed again, once) and kept with the file's cached result."""
    for owner in ("a", "b"):
        driver = tmp_path / owner / "csv_writer_driver.py"
        driver.parent.mkdir()
        driver.write_text(PRINTING_WRITER)
    first, second = first_and_cached_run(tmp_path, sorted(tmp_path.rglob("*.py")), monkeypatch)
    duplicates = [f for f in first.findings if f.code == "OSD005"]
    assert len(duplicates) == 2 and summary(second) == summary(first)


def test_a_changed_file_or_setting_misses_the_cache(tmp_path):
    files = corpus(tmp_path, count=3)
    settings = Settings(tmp_path, codes_but_untested_driver())
    cache = Cache(tmp_path, "test", settings.fingerprint())
    Linter(rule_classes(), settings, cache=cache, cwd=tmp_path).run(files)
    files[0].write_text(PRINTING_WRITER.replace('        print("writing", len(inputs["df"]))\n', "")
                        .replace("csv.writer", "w0.writer"))
    again = Linter(rule_classes(), settings, cache=cache, cwd=tmp_path).run(files)
    assert [f.path for f in again.findings] == []
    narrower = Settings(tmp_path, frozenset({"OSD010"}))
    assert narrower.fingerprint() != settings.fingerprint()


def test_a_corrupt_cache_entry_is_ignored(tmp_path):
    files = corpus(tmp_path, count=3)
    settings = Settings(tmp_path, codes_but_untested_driver())
    cache = Cache(tmp_path, "test", settings.fingerprint())
    first = Linter(rule_classes(), settings, cache=cache, cwd=tmp_path).run(files)
    for entry in cache.folder.rglob("*.json"):
        entry.write_text("{not json")
    again = Linter(rule_classes(), settings, cache=cache, cwd=tmp_path).run(files)
    assert summary(again) == summary(first)
    assert all(json.loads(e.read_text()) for e in cache.folder.rglob("*.json"))


def test_the_cli_caches_in_the_project_and_no_cache_turns_it_off(project):
    project.write("pyproject.toml", "[tool.osiris-lint]\n")
    project.write("csv_writer_driver.py", PRINTING_WRITER)
    project.lint("--no-cache")
    assert not (project.root / ".osiris_lint_cache").exists()
    project.lint()
    assert (project.root / ".osiris_lint_cache" / "CACHEDIR.TAG").is_file()
    assert project.lint().returncode == 1  # findings come back from the cache too


def test_the_linter_imports_neither_pandas_nor_the_runtime(project):
    project.write("csv_writer_driver.py", PRINTING_WRITER)
    probe = ("import sys, runpy\n"
             "sys.argv = ['osiris-lint', '--no-cache', 'csv_writer_driver.py']\n"
             "try:\n    runpy.run_module('osiris_driver_kit.linter', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             "print('LOADED', sorted(m for m in sys.modules if m.split('.')[0] == 'pandas'"
             " or m.split('.')[0] == 'osiris' or m.startswith('osiris_driver_kit.runtime')))\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=project.root, capture_output=True,
                          text=True)
    assert done.stdout.splitlines()[-1] == "LOADED []", done.stdout + done.stderr


def test_discovery_skips_vcs_virtualenvs_build_dirs_and_gitignored_files(project):
    for folder in (".git", ".venv", "build", "dist", "__pycache__", "env", "generated"):
        project.write(f"{folder}/x_writer_driver.py", PRINTING_WRITER)
    project.write("env/pyvenv.cfg", "home = /usr\n")
    project.write(".gitignore", "generated/\n*_scratch.py\n")
    project.write("notes_scratch.py", "print('x')\n")
    project.write("src/csv_writer_driver.py", PRINTING_WRITER)
    done = project.lint("--output-format", "concise")
    assert [line.split(":")[0] for line in done.stdout.splitlines()[:-1]] == [
        "src/csv_writer_driver.py"]


def test_a_gitignored_folder_named_on_the_command_line_is_linted(project):
    """As ruff and ripgrep do; the .gitignore files inside it still apply, and a run
    over the whole repository still skips it."""
    project.write(".git/HEAD", "ref: refs/heads/main\n")
    project.write(".gitignore", "demo/\n")
    project.write("demo/drivers/csv_writer_driver.py", PRINTING_WRITER)
    project.write("demo/drivers/.gitignore", "old_*.py\n")
    project.write("demo/drivers/old_writer_driver.py", PRINTING_WRITER)
    done = project.lint("--output-format", "concise", "demo/drivers")
    assert [line.split(":")[0] for line in done.stdout.splitlines()[:-1]] == [
        "demo/drivers/csv_writer_driver.py"]
    assert "demo/" not in project.lint("--output-format", "concise").stdout


class ExplodingProjectRule(ProjectRule):
    code = "OSD998"
    name = "exploding-project"
    message = "{detail}"
    explanation = "test rule"

    def check_project(self, project):
        raise RuntimeError("no facts for me")


def test_a_crashing_project_rule_is_a_finding_and_the_file_rules_still_report(tmp_path):
    source = tmp_path / "csv_writer_driver.py"
    source.write_text(PRINTING_WRITER)
    rules = [*rule_classes(), ExplodingProjectRule]
    settings = Settings(tmp_path, codes_but_untested_driver() | {rules[-1].code})
    outcome = Linter(rules, settings, cwd=tmp_path).run([source])
    assert sorted(f.code for f in outcome.findings) == ["OSD020", "OSD903"]
    assert "project rule OSD998 crashed (RuntimeError: no facts for me)" in \
        [f for f in outcome.findings if f.code == "OSD903"][0].message


def test_an_edited_rule_never_serves_old_findings_from_the_cache():
    """The cache folder is keyed by the linter's own source files, not only its version:
    an edit in an editable install starts a new cache."""
    import os
    from pathlib import Path

    from osiris_driver_kit.linter.engine import cache

    rule = Path(cache.__file__).parent.parent / "rules" / "osd020_no_print.py"
    before, status = cache.code_fingerprint(), rule.stat()
    try:
        os.utime(rule, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
        assert cache.code_fingerprint() != before
    finally:
        os.utime(rule, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert cache.code_fingerprint() == before
    assert before in cache.Cache(Path("/tmp"), "0.1.0", "settings").folder.name


def test_a_clean_untested_driver_is_placed_without_parsing_it_again(tmp_path, monkeypatch):
    """OSD050 is often a clean file's only finding: the engine places the class it points
    at while it has the tree, so the project pass parses nothing."""
    driver = tmp_path / "drivers" / "orders_extractor_driver.py"
    driver.parent.mkdir()
    driver.write_text(CLEAN_EXTRACTOR)
    settings = Settings(tmp_path, frozenset({"OSD050"}))
    parse = cst.parse_module
    calls = []
    monkeypatch.setattr(cst, "parse_module", lambda *a, **k: calls.append(a) or parse(*a, **k))
    outcome = Linter(rule_classes(), settings, cwd=tmp_path).run([driver])
    assert [(f.code, f.line) for f in outcome.findings] == [("OSD050", 4)] and len(calls) == 1
