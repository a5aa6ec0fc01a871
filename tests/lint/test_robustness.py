"""osiris-lint never crashes and never hangs on a file, whatever it holds (issue 15):
deep nesting, parser crashes, odd line endings and encodings, control characters."""

from __future__ import annotations

import os
import signal
import warnings
import xml.dom.minidom

import libcst as cst
import pytest
from osiris_driver_kit.linter.analysis.drivers import literal_string
from osiris_driver_kit.linter.engine import lint_run as linting

from .fuzz.sources import (
    CONTROL_CHARACTERS,
    DEEP,
    HEAD,
    LATIN1,
    NESTED_CALLS,
    NESTED_PARENTHESES,
    NUL_BYTES,
    ODD_SEPARATORS,
    ONE_LINE_TRY,
    TAIL,
    thousand_branch_driver,
)
from .support import lint_files


def codes(outcome) -> list[tuple[str, int]]:
    return [(f.code, f.line) for f in outcome.findings]


@pytest.mark.parametrize("kind", DEEP)
def test_deep_nesting_is_linted_and_positioned(kind):
    """500 terms, branches or attributes (and 10,000 chained ``and``, a segfault in
    LibCST's parser on a normal stack) once crashed the position step."""
    outcome = lint_files({"deep_extractor_driver.py": DEEP[kind]}, frozenset({"OSD020"}))
    line = DEEP[kind].splitlines().index("        print(x)") + 1
    assert codes(outcome) == [("OSD020", line)]


def test_a_clean_driver_with_a_thousand_branches_gets_no_rule_error():
    assert codes(lint_files({"huge_extractor_driver.py": thousand_branch_driver()})) == []


def test_a_one_line_try_finally_crashes_no_rule():
    assert "OSD903" not in [c for c, _ in codes(lint_files({"t_extractor_driver.py": ONE_LINE_TRY}))]


@pytest.mark.parametrize("line", [
    'url = config["\\url"]',  # found by the fuzz harness: OSD031 and OSD034 crashed
    'x = "postgres://u:p@h/\\N"',  # OSD032
    'ctx.log_metric("rows" "\\U1", 1)',  # OSD010
    'DriverRegistry.register("\\x1", DeepExtractorDriver())',  # the whole file
])
def test_an_escape_cpython_refuses_crashes_no_rule(line):
    """LibCST parses string literals whose escapes CPython refuses (``"\\url"``, a
    truncated ``\\uXXXX``); evaluating them raised SyntaxError inside the rules."""
    source = HEAD + f"        {line}\n        x = url\n" + TAIL
    assert "OSD903" not in [c for c, _ in codes(lint_files({"esc_extractor_driver.py": source}))]


def test_reading_a_literal_with_an_invalid_escape_warns_nothing():
    """``"\\d"`` is a DeprecationWarning (a SyntaxWarning printed on the linter's stderr
    from Python 3.12) when the rules read the literal; an error under ``-W error``."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert literal_string(cst.parse_expression('"\\d+\\n"')) == "\\d+\n"


def test_an_invalid_escape_is_neither_a_warning_nor_a_syntax_error():
    """CPython's verdict (ast.parse) warned about ``"\\d"`` on the linter's stderr (a
    SyntaxWarning from Python 3.12) and, under ``-W error``, made the file OSD900."""
    source = HEAD + '        x = "\\d+\\n"\n' + TAIL
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        outcome = lint_files({"w_extractor_driver.py": source}, frozenset({"OSD020", "OSD900"}))
    assert codes(outcome) == [("OSD020", 7)]


@pytest.mark.parametrize(("source", "message"), [
    (NESTED_CALLS, "too many nested parentheses"),
    (NESTED_PARENTHESES, "too many nested parentheses"),
    (NUL_BYTES, "null bytes"),
])
def test_what_cpython_refuses_is_osd900_at_its_position_without_libcst(source, message):
    """1,500 nested parentheses segfault LibCST's parser; 800 nested calls take it
    minutes and gigabytes. CPython refuses both at once."""
    [finding] = lint_files({"nested.py": source}).findings
    assert finding.code == "OSD900" and message in finding.message
    assert finding.line == (2 if "\0" in source else 1)


def test_a_worker_that_dies_costs_only_its_file(monkeypatch, tmp_path):
    lint_file = linting.lint_file

    def segfaulting(engine, job, enabled, fix):
        if job.display.startswith("crash"):
            os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
        return lint_file(engine, job, enabled, fix)

    monkeypatch.setattr(linting, "lint_file", segfaulting)
    files = {f"clean_{i:02d}.py": "x = 1\n" for i in range(30)}
    files |= {"crash_a.py": "x = 1\n", "printing_extractor_driver.py": HEAD + "        x = 1\n" + TAIL}
    from osiris_driver_kit.linter.engine.lint_run import Linter

    from .support import codes_but_untested_driver
    outcome = _lint_with_jobs(files, tmp_path, Linter, codes_but_untested_driver())
    crashed = [f for f in outcome.findings if f.code == "OSD903"]
    assert [f.path for f in crashed] == ["crash_a.py"]
    assert "its process died" in crashed[0].message
    assert ("printing_extractor_driver.py", "OSD020") in {(f.path, f.code) for f in outcome.findings}
    assert outcome.files == 32


def _lint_with_jobs(files, root, linter_class, codes):
    from osiris_driver_kit.linter.engine.settings import Settings
    from osiris_driver_kit.linter.rules import rule_classes

    for name, source in files.items():
        (root / name).write_text(source)
    settings = Settings(root=root, enabled=codes)
    return linter_class(rule_classes(), settings, jobs=2, cwd=root).run(
        sorted(root / name for name in files))


def test_lines_end_as_python_counts_them():
    """Lone CR endings once put every finding on line 1; \\x0c, \\x85 and U+2028 are
    not line breaks for Python."""
    body = ODD_SEPARATORS
    for newline in ("\r", "\r\n"):
        source = (HEAD + body + TAIL).replace("\n", newline)
        assert codes(lint_files({"cr_extractor_driver.py": source.encode()},
                                frozenset({"OSD020"}))) == [("OSD020", 8)]


def test_the_full_format_shows_the_reported_line(project):
    project.write("ff_extractor_driver.py", HEAD + ODD_SEPARATORS + TAIL)
    result = project.lint("--select", "OSD020", "--no-cache")
    assert "8 |         print(x)" in result.stdout


@pytest.mark.parametrize(("data", "line", "message"), [
    (b"# coding: no-such-codec\nx = 1\n", 1, "unknown encoding: no-such-codec"),
    (b"#!/usr/bin/env python\n# -*- coding: bogus -*-\nx = 1\n", 2, "unknown encoding: bogus"),
    (b"\xef\xbb\xbf# coding: latin-1\nx = 1\n", 1, "a UTF-8 byte order mark, and a coding"),
])
def test_a_coding_cookie_cpython_refuses_is_a_syntax_error(data, line, message):
    """CPython refuses these files before reading a line; they were linted as UTF-8."""
    [finding] = lint_files({"cookie.py": data}).findings
    assert (finding.code, finding.line) == ("OSD900", line) and message in finding.message


def test_a_latin1_file_with_a_coding_cookie_is_decoded():
    outcome = lint_files({"latin_extractor_driver.py": LATIN1.encode("latin-1")},
                         frozenset({"OSD020", "OSD901"}))
    assert codes(outcome) == [("OSD020", 8)]


def test_control_characters_are_escaped_and_junit_stays_valid(project):
    project.write("ctl_extractor_driver.py", CONTROL_CHARACTERS)
    project.write("bad\x01name.py", "x = (\n")
    for output_format in ("full", "concise", "github", "junit", "sarif", "json"):
        result = project.lint("--no-cache", "--output-format", output_format)
        assert "\x1b" not in result.stdout and "\x01" not in result.stdout, output_format
    xml.dom.minidom.parseString(project.lint("--no-cache", "--output-format", "junit").stdout)


def test_files_that_are_not_regular_files_are_skipped_with_a_note(project):
    project.write("ok.py", "x = 1\n")
    os.mkfifo(project.root / "pipe.py")
    os.symlink("/dev/zero", project.root / "zero.py")
    os.symlink("loop.py", project.root / "loop.py")
    result = project.lint("--output-format", "concise")
    assert result.returncode == 1, result.stderr
    assert "pipe.py:1:1: OSD901" in result.stdout and "not a regular file" in result.stdout
    assert "zero.py:1:1: OSD901" in result.stdout and "loop.py:1:1: OSD901" in result.stdout


def test_a_file_over_the_size_limit_is_skipped(monkeypatch, tmp_path):
    from osiris_driver_kit.linter.engine import source

    monkeypatch.setattr(source, "MAX_FILE_BYTES", 10)
    [finding] = lint_files({"big.py": "x = 1\n" * 10}).findings
    assert finding.code == "OSD901" and "larger than" in finding.message


@pytest.mark.parametrize(("setup", "args", "message"), [
    (lambda p: os.symlink("loop.py", p.root / "loop.py"), ("loop.py",), "loop.py: "),
    (lambda p: p.write("pyproject.toml", "tool = 5\n"), ("ok.py",), "`tool` must be a table"),
    (lambda p: (p.root / "out").mkdir(), ("ok.py", "--output-file", "out"), "--output-file out"),
])
def test_bad_paths_and_settings_are_one_clear_line_and_exit_2(project, setup, args, message):
    project.write("ok.py", "x = 1\n")
    setup(project)
    result = project.lint(*args)
    assert result.returncode == 2
    assert result.stderr.startswith("osiris-lint: error: ") and message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_an_undecodable_file_name_with_the_cache_on(project):
    project.write("ok.py", "x = 1\n")
    (project.root / os.fsdecode(b"caf\xe9.py")).write_text("x = (\n")
    result = project.lint("--output-format", "concise")
    assert result.returncode == 1, result.stderr
    assert "caf\\udce9.py:1:5: OSD900" in result.stdout


def test_a_deeply_nested_cache_entry_is_a_miss(tmp_path):
    from osiris_driver_kit.linter.engine import deep
    from osiris_driver_kit.linter.engine.cache import Cache

    cache = Cache(tmp_path, "0", "x")
    key = Cache.key("a.py", b"x = 1\n", None)
    entry = cache.folder / key[:2] / f"{key}.json"
    entry.parent.mkdir(parents=True)
    entry.write_text("[" * 300_000 + "]" * 300_000)
    assert cache.get(key) is None
    assert deep.call(cache.get, key) is None


def test_valid_python_libcst_cannot_parse_is_no_syntax_error(project):
    """Tabs and spaces that CPython reads as the same indentation (a tab is 8 columns)
    but LibCST refuses: not OSD900, which CPython would contradict, but a file no rule
    could read (OSD901), saying why. (A driver: a file that can hold none is not given
    to LibCST at all, and gets no finding.)"""
    body = "\t        x = 1\n        \tif x:\n        \t    return x\n"
    source = "class TabsExtractorDriver:\n    def run(self, step_id, config, inputs, ctx):\n" + \
        "".join("    " + line + "\n" for line in body.splitlines())
    compile(source, "tabs_extractor_driver.py", "exec")
    project.write("tabs_extractor_driver.py", source)
    result = project.lint("--output-format", "concise", "tabs_extractor_driver.py")
    assert "OSD900" not in result.stdout
    assert "OSD901" in result.stdout and "CPython accepts this file" in result.stdout
    project.write("tabs.py", "def f():\n" + body)
    assert project.lint("--output-format", "concise", "tabs.py").returncode == 0
