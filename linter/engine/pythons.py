"""Which Python the linted code is for (``target-version``, as in ruff), and
CPython's verdict on a file for that version.

A file is a syntax error exactly when CPython of that version refuses it. For the
running version or an older one, the running CPython answers (``ast.parse`` with
``feature_version``, the grammar checks CPython keeps for older versions). A newer
version accepts what the running one accepts; what the running one refuses is put
to that version's interpreter (``python3.X`` on PATH), or reported as unjudged when
there is none.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import warnings

Version = tuple[int, int]
RUNNING: Version = sys.version_info[:2]
OLDEST: Version = (3, 7)
_SPELLING = re.compile(r"py3(\d{1,2})")


def parse_version(text: str) -> Version:
    """``py311`` -> (3, 11); ValueError naming the accepted forms otherwise."""
    match = _SPELLING.fullmatch(text.strip().lower())
    version = (3, int(match.group(1))) if match else None
    if version is None or version < OLDEST:
        raise ValueError(f"unknown Python version {text!r}; write it as ruff does, e.g. "
                         f"\"py{RUNNING[0]}{RUNNING[1]}\" (py37 or newer)")
    return version


def spelled(version: Version) -> str:
    return f"py{version[0]}{version[1]}"


def refusal(text: str, path: str, version: Version = RUNNING) -> tuple[int, int, str] | None:
    """(line, column, message) where CPython of ``version`` refuses ``text``; None when
    it accepts it. Raises LookupError when nobody here can judge ``version``."""
    refused = _running_refusal(text, path, min(version, RUNNING))
    if refused is None or version <= RUNNING:
        return refused
    interpreter = shutil.which(f"python{version[0]}.{version[1]}")
    if interpreter is None:
        raise LookupError(
            f"Python {RUNNING[0]}.{RUNNING[1]}, which runs osiris-lint, refuses this file "
            f"({refused[2]}, line {refused[0]}), and target-version {spelled(version)} is newer; "
            f"no python{version[0]}.{version[1]} is on PATH to judge it: run osiris-lint "
            f"with Python {version[0]}.{version[1]}")
    return _interpreter_refusal(interpreter, text, path)


def _running_refusal(text: str, path: str, version: Version) -> tuple[int, int, str] | None:
    try:
        with warnings.catch_warnings():  # "\d" warns about the linted code: not on our stderr,
            warnings.simplefilter("ignore")  # and no OSD900 under -W error
            ast.parse(text, path, feature_version=version)
    except (SyntaxError, ValueError) as error:  # ValueError: null bytes, before 3.11.4
        message = getattr(error, "msg", str(error))
        if "null bytes" in message:
            return (*_null_byte(text), message)
        return error.lineno or 1, error.offset or 1, message
    except (RecursionError, MemoryError):
        return 1, 1, "the file is nested too deeply for CPython's parser"
    return None


_JUDGE = """
import json, sys
try:
    compile(sys.stdin.buffer.read().decode("utf-8"), sys.argv[1], "exec", 0x400, dont_inherit=True)
except SyntaxError as error:
    print(json.dumps([error.lineno or 1, error.offset or 1, error.msg]))
except (ValueError, RecursionError, MemoryError) as error:
    print(json.dumps([1, 1, str(error) or type(error).__name__]))
else:
    print("null")
"""


def _interpreter_refusal(interpreter: str, text: str, path: str) -> tuple[int, int, str] | None:
    try:
        done = subprocess.run([interpreter, "-I", "-c", _JUDGE, path], input=text.encode(),
                              capture_output=True, timeout=60, check=True)
        verdict = json.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as error:
        last = (getattr(error, "stderr", None) or b"").decode(errors="replace").strip()
        raise LookupError(f"{interpreter} could not judge this file "
                          f"({last.splitlines()[0] if last else error})") from None
    return tuple(verdict) if verdict else None


def _null_byte(text: str) -> tuple[int, int]:
    """Where the first null byte is: CPython does not say."""
    before = text[: text.find("\0")]
    return before.count("\n") + 1, len(before) - before.rfind("\n")
