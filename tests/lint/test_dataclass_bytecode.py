"""osiris-lint keeps the bytecode of the methods ``dataclasses`` generates between runs,
as Python keeps a module's in ``__pycache__``: classes made from kept bytecode must be
the classes Python would have made, and a bad or unwritable file must never matter."""

import builtins
import dataclasses
import marshal
import subprocess
import sys
from importlib.util import MAGIC_NUMBER

import pytest
from osiris_driver_kit.linter.speedups import kept_bytecode


def define_point():
    @dataclasses.dataclass(frozen=True, order=True)
    class Point:
        x: int
        y: int = 0
        tags: list = dataclasses.field(default_factory=list)

    return Point


@pytest.fixture
def writes_bytecode(monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)


@pytest.fixture
def compiled(monkeypatch):
    """The sources compiled with ``compile`` while a test runs."""
    sources = []
    real_compile = builtins.compile

    def counting(source, *args, **kwargs):
        sources.append(source)
        return real_compile(source, *args, **kwargs)

    monkeypatch.setattr(builtins, "compile", counting)
    return sources


def test_a_second_definition_compiles_nothing_and_behaves_the_same(
        tmp_path, writes_bytecode, compiled):
    kept = tmp_path / "methods.marshal"
    with kept_bytecode(kept):
        first = define_point()
    assert compiled, "the first definition compiles its methods"
    compiled.clear()

    with kept_bytecode(kept):
        second = define_point()

    assert compiled == []
    for Point in (first, second):
        point = Point(1, tags=["a"])
        assert point == Point(1, 0, ["a"]) and point < Point(2)
        assert repr(point).endswith("Point(x=1, y=0, tags=['a'])")
        with pytest.raises(dataclasses.FrozenInstanceError):
            point.x = 3
        assert Point(1).tags is not Point(1).tags
    assert second.__init__.__code__.co_code == first.__init__.__code__.co_code


def test_the_stdlib_is_left_as_it_was(tmp_path, writes_bytecode):
    with kept_bytecode(tmp_path / "methods.marshal"):
        assert "exec" in vars(dataclasses)
    assert "exec" not in vars(dataclasses)


def test_an_error_inside_the_block_still_restores_and_keeps_what_was_compiled(
        tmp_path, writes_bytecode):
    kept = tmp_path / "methods.marshal"
    with pytest.raises(SystemExit), kept_bytecode(kept):
        define_point()
        raise SystemExit(1)
    assert "exec" not in vars(dataclasses)
    assert kept.exists()


@pytest.mark.parametrize("content", [b"", b"garbage", MAGIC_NUMBER + b"\x00\x01",
                                     b"\x00\x00\r\n" + marshal.dumps({}),
                                     MAGIC_NUMBER + marshal.dumps(["not", "a", "dict"])],
                         ids=["empty", "garbage", "truncated", "another-python", "wrong-type"])
def test_a_corrupt_file_is_ignored_and_replaced(tmp_path, writes_bytecode, content):
    kept = tmp_path / "methods.marshal"
    kept.write_bytes(content)
    with kept_bytecode(kept):
        Point = define_point()
    assert Point(1) == Point(1)
    assert marshal.loads(kept.read_bytes()[len(MAGIC_NUMBER):])


def test_nothing_is_written_when_python_is_told_not_to_write_bytecode(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    kept = tmp_path / "methods.marshal"
    with kept_bytecode(kept):
        define_point()
    assert not kept.exists()


def test_an_unwritable_place_is_not_an_error(tmp_path, writes_bytecode):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    with kept_bytecode(blocked / "methods.marshal"):
        Point = define_point()
    assert Point(2).x == 2


def test_osiris_lint_writes_it_beside_its_bytecode_and_reuses_it(tmp_path):
    """A whole run, as the console script runs it, with and without the kept file."""
    from osiris_driver_kit.linter import speedups as dataclass_bytecode

    driver = tmp_path / "clean.py"
    driver.write_text("x = 1\n")
    command = [sys.executable, "-c", "from osiris_driver_kit.linter.cli import main; main()",
               "--no-cache", str(driver)]
    kept = dataclass_bytecode.DEFAULT_PATH
    kept.unlink(missing_ok=True)
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1"}  # without PYTHONDONTWRITEBYTECODE
    written = []
    for _ in range(2):
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
        written.append(kept.stat().st_mtime_ns)
    assert written[0] == written[1], "the second run found everything it needed"
