"""What the osiris-lint fuzz harness lints (issue 15): seeded mutations of the corpus and
of the rules' examples, hypothesmith programs, and the extreme files issue 15 names.

Every case is deterministic: for a given corpus and set of rule examples,
``mutated_cases(n)`` always gives the same ``n`` cases, and a case's name says how it was
made (case number, seed file, mutated file and mutations), so a failure can be rebuilt
with ``mutated_case(number)``.
"""

from __future__ import annotations

import functools
import random
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SEED = 15  # issue 15; change it to fuzz other cases with the same budget


@dataclass(eq=False)  # hashed by identity: harness.linted_once keeps one outcome per case
class Case:
    """Files to lint together (relative path -> bytes), under ``target`` (None: detected)."""

    name: str
    files: dict[str, bytes]
    target: str | None = None
    main: str = ""  # the file the case is about (the mutated one)
    steps: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.main = self.main or sorted(self.files)[0]

    def __repr__(self) -> str:  # pytest ids and failure messages: short
        return f"Case({self.name!r})"

    @property
    def python(self) -> list[str]:
        return sorted(path for path in self.files if path.endswith(".py"))


# --- seed files -----------------------------------------------------------------------

@functools.cache
def corpus_files() -> dict[str, bytes]:
    """Every Python file of the corpus, by its path relative to the corpus folder."""
    return {path.relative_to(CORPUS).as_posix(): path.read_bytes()
            for path in sorted(CORPUS.rglob("*.py")) if path.name != "conftest.py"}


@functools.cache
def seed_cases() -> tuple[Case, ...]:
    """The unmutated inputs: each corpus file alone, each corpus package as a project
    (OSD003 and OSD005 are cross-file), and each rule example with its other files."""
    from osiris_driver_kit.linter.rules import rule_classes

    corpus = corpus_files()
    cases = [Case(f"corpus:{path}", {path: data}) for path, data in corpus.items()]
    for package in sorted({path.split("/")[0] for path in corpus if "/" in path}):
        files = {path: data for path, data in corpus.items() if path.startswith(package + "/")}
        cases.append(Case(f"corpus-package:{package}", files, main=f"{package}/__init__.py"))
    for rule in rule_classes():
        for kind in ("VALID", "INVALID"):
            for index, example in enumerate(getattr(rule, kind)):
                cases.append(Case(f"example:{rule.code}-{kind}-{index}", example.files(),
                                  target=example.target, main=example.path))
    return tuple(cases)


# --- mutations --------------------------------------------------------------------------
# Each takes the lines of one file (bytes, split on b"\n") and a Random, and returns the
# new lines and a short description. They need not keep the file valid Python.

TOKENS = [b"(", b")", b"[", b"]", b"{", b"}", b":", b",", b"\\", b'"""', b"'", b'"', b"#",
          b"lambda", b"yield", b"await", b"return", b"else:", b"try:", b"async ", b"*", b"**",
          b":=", b"match ", b"case _:", b"global x;", b"nonlocal x;", b"del ", b"@", b"->",
          b"\t", b"\x0c", b"\r", b"\x00", b"\x1b[31m", b"\xe2\x80\xa8", b"\xc2\x85", b"\xff",
          b"f'{", b"}'", b"rb'", b"0x", b"1e", b"...", b";", b" if ", b" else ", b"not ",
          b"ctx", b"inputs", b"config", b"self", b"DriverRegistry", b".register("]

STATEMENTS = [
    "pass", "return {}", 'return {"df": df}', "return None", "return", 'raise ValueError("x")',
    "raise", 'inputs["df"].drop(columns=["a"], inplace=True)', 'inputs["df"]["x"] = 1',
    'self._cache = inputs["df"]', 'cur.execute("DELETE FROM t")',
    "cur.execute(f\"SELECT * FROM {config['table']}\")", 'cur.execute("SELECT 1 " + name)',
    'ctx.log_event("step_failed", {})', 'ctx.log_metric("rows_read", 0)',
    'ctx.log_metric("rows_written", len(df))', 'ctx.log("x")', "ctx = None",
    'conn = psycopg.connect(config["dsn"])', "conn = pymysql.connect(host=h)",
    'password = "hunter2"', 'ctx.log_event("debug", {"password": config["password"]})',
    'DriverRegistry.register("orders.extractor", OrdersExtractorDriver())',
    'DriverRegistry.register("orders.extractor", OrdersExtractorDriver)',
    'DriverRegistry.register("deals.writer", DealsWriterDriver())',
    "try:", "except Exception:", "except Exception as e:", "else:", "finally:",
    "with open(p) as f:", 'if config.get("x"):', "for i in range(3):", "while True:",
    "yield x", "await x", "global ctx", 'del inputs["df"]', "import os", "from os import *",
    "def run(self, step_id, config, inputs, ctx):", "def run(self):", "async def run(self, *a):",
    "class ExtraWriterDriver:", "class OrdersExtractorDriver:", "match x:", "case _:",
    "lambda: (yield)", "# osiris-lint: disable=OSD020", "# noqa", "# osiris-lint: disable-file=OSD010",
    "x = (", "'''", "@staticmethod", 'df = pd.read_sql("SELECT 1", conn)',
    'config["mode"] = "x"', 'if "df" not in inputs:', 'inputs = {"df": df}',
]

PRINTS = ['print("x")', "print(f'{config}')", 'print(config["password"])', "print(*args)",
          'print(x, sep="")', "print(df, file=sys.stderr)", "print()", "print",
          "builtins.print(1)"]

COMMENTS = ["  # noqa", "  # noqa: OSD020", "  # noqa: OSD010, OSD011", "  # noqa:E501",
            "  # osiris-lint: disable=OSD020", "  # osiris-lint: disable=OSD003,OSD005",
            "  # osiris-lint: disable-file=OSD021", "  # osiris-lint: disable=", "  # type: ignore"]

STRING_NOISE = ["\x1b[31mred\x1b[0m", "\x01\x02", "\x00", "\x0c", "\x85", "\u2028", "\u2029",
                "\x7f", "\ud7ff", "]]>", "<&>", "\\", "\t"]


def _indent(line: bytes) -> bytes:
    return line[:len(line) - len(line.lstrip(b" \t\x0c"))]


def _pick(lines: list[bytes], rng: random.Random) -> int:
    return rng.randrange(len(lines)) if lines else 0


def delete_line(lines, rng):
    i = _pick(lines, rng)
    return lines[:i] + lines[i + 1:], f"delete_line({i + 1})"


def duplicate_line(lines, rng):
    i = _pick(lines, rng)
    return lines[:i + 1] + lines[i:], f"duplicate_line({i + 1})"


def swap_lines(lines, rng):
    i, j = _pick(lines, rng), _pick(lines, rng)
    lines = list(lines)
    if lines:
        lines[i], lines[j] = lines[j], lines[i]
    return lines, f"swap_lines({i + 1}, {j + 1})"


def move_line(lines, rng):
    i = _pick(lines, rng)
    rest = lines[:i] + lines[i + 1:]
    j = _pick(rest, rng)
    return rest[:j] + lines[i:i + 1] + rest[j:], f"move_line({i + 1} -> {j + 1})"


def reindent(lines, rng):
    i = _pick(lines, rng)
    if not lines:
        return lines, "reindent()"
    line = lines[i]
    choice = rng.choice([b"    ", b" ", b"\t", b"\x0c", b"  \t", b"\t    ", b"", b"        "])
    stripped = line.lstrip(b" \t\x0c")
    how = rng.choice(["add", "replace", "remove"])
    new = {"add": choice + line, "replace": choice + stripped, "remove": stripped}[how]
    return lines[:i] + [new] + lines[i + 1:], f"reindent({i + 1}, {how} {choice!r})"


def tabify(lines, rng):
    """Indentation written with tabs (or with a form feed before it) in some lines only."""
    start = _pick(lines, rng)
    end = start + rng.randint(1, 20)
    fill = rng.choice([b"\t", b"\x0c", b"\x0c    "])

    def changed(line: bytes) -> bytes:
        if fill == b"\t":
            return b"\t" + line[8:] if line.startswith(b"        ") else line.replace(b"    ", b"\t", 1)
        return fill + line

    new = [changed(line) if start <= k < end else line for k, line in enumerate(lines)]
    return new, f"tabify({start + 1}-{end}, {fill!r})"


def truncate(lines, rng):
    data = b"\n".join(lines)
    cut = rng.randrange(len(data) + 1)
    return data[:cut].split(b"\n"), f"truncate({cut})"


def insert_token(lines, rng):
    i = _pick(lines, rng)
    if not lines:
        return [rng.choice(TOKENS)], "insert_token(1)"
    line = lines[i]
    column = rng.randrange(len(line) + 1)
    token = rng.choice(TOKENS)
    return (lines[:i] + [line[:column] + token + line[column:]] + lines[i + 1:],
            f"insert_token({i + 1}:{column}, {token!r})")


def _insert_statement(lines, rng, statement: str, what: str):
    i = _pick(lines, rng)
    indent = _indent(lines[i]) if lines else b""
    new = indent + statement.encode()
    return lines[:i] + [new] + lines[i:], f"{what}({i + 1}, {statement!r})"


def insert_statement(lines, rng):
    return _insert_statement(lines, rng, rng.choice(STATEMENTS), "insert_statement")


def insert_print(lines, rng):
    return _insert_statement(lines, rng, rng.choice(PRINTS), "insert_print")


def rename_run(lines, rng):
    new_name = rng.choice([b"run_", b"execute", b"Run", b"_run", b"run2"])
    which = rng.choice(["def", "all", "calls"])
    if which == "def":
        new = [line.replace(b"def run(", b"def " + new_name + b"(") for line in lines]
    elif which == "calls":
        new = [line.replace(b".run(", b"." + new_name + b"(") for line in lines]
    else:
        new = [line.replace(b"run", new_name) for line in lines]
    return new, f"rename_run({which}, {new_name!r})"


def drop_lines_containing(lines, rng):
    word = rng.choice([b"log_metric", b"log_metric", b"register(", b"except", b"raise",
                       b"return", b"close(", b"timeout", b"with ", b"try:", b"import ",
                       b"log_event", b"finally:", b"validate", b"if "])
    return [line for line in lines if word not in line], f"drop_lines_containing({word!r})"


def append_comment(lines, rng):
    i = _pick(lines, rng)
    if not lines:
        return lines, "append_comment()"
    comment = rng.choice(COMMENTS).encode()
    return lines[:i] + [lines[i] + comment] + lines[i + 1:], f"append_comment({i + 1}, {comment!r})"


def line_endings(lines, rng):
    ending = rng.choice([b"\r\n", b"\r", b"\r\n", b"\x0c\n", b"\n\n"])
    return b"\n".join(lines).replace(b"\n", ending).split(b"\n"), f"line_endings({ending!r})"


def add_bom(lines, rng):
    lines = list(lines) or [b""]
    lines[0] = b"\xef\xbb\xbf" + lines[0]
    return lines, "add_bom()"


def flip_byte(lines, rng):
    data = bytearray(b"\n".join(lines))
    if not data:
        return lines, "flip_byte()"
    offset = rng.randrange(len(data))
    value = rng.randrange(256)
    data[offset] = value
    return bytes(data).split(b"\n"), f"flip_byte({offset}, {value:#x})"


def string_noise(lines, rng):
    """Control characters, separators and XML specials inside a string literal (or not)."""
    quoted = [k for k, line in enumerate(lines) if b'"' in line]
    noise = rng.choice(STRING_NOISE).encode("utf-8", "surrogatepass")
    if not quoted:
        return insert_token(lines, rng)
    i = rng.choice(quoted)
    line = lines[i]
    column = line.index(b'"') + 1
    return (lines[:i] + [line[:column] + noise + line[column:]] + lines[i + 1:],
            f"string_noise({i + 1}, {noise!r})")


def _class_blocks(lines) -> list[tuple[int, int]]:
    blocks, start = [], None
    for k, line in enumerate(lines + [b"END"]):
        top = line[:1] not in (b"", b" ", b"\t", b"#", b"\r", b"\x0c")
        if start is not None and top:
            blocks.append((start, k))
            start = None
        if line.startswith(b"class "):
            start = k
    return blocks


def duplicate_class(lines, rng):
    """A second driver class in the file, the same as the first but for its name."""
    blocks = _class_blocks(lines)
    if not blocks:
        return duplicate_line(lines, rng)
    start, end = rng.choice(blocks)
    copy = list(lines[start:end])
    suffix = rng.choice([b"Copy", b"V2", b""])
    copy[0] = copy[0].replace(b"class ", b"class " + suffix, 1) if suffix else copy[0]
    return lines[:end] + copy + lines[end:], f"duplicate_class({start + 1}, {suffix!r})"


def rename_class(lines, rng):
    blocks = _class_blocks(lines)
    if not blocks:
        return lines, "rename_class()"
    start, _ = rng.choice(blocks)
    header = lines[start]
    name = header[6:].split(b"(")[0].split(b":")[0].strip()
    new_name = rng.choice([name.replace(b"Driver", b""), b"Base" + name, name + b"V2",
                           b"OrdersExtractorDriver", b"X"])
    return [line.replace(name, new_name) for line in lines], f"rename_class({name!r} -> {new_name!r})"


def wrap_in_block(lines, rng):
    """Some lines moved under a new ``if``/``try``/``with`` header."""
    i = _pick(lines, rng)
    if not lines:
        return lines, "wrap_in_block()"
    j = min(len(lines), i + rng.randint(1, 6))
    header = rng.choice([b"if config:", b"try:", b"with lock:", b"for row in rows:", b"else:"])
    indent = _indent(lines[i])
    body = [b"    " + line if line.strip() else line for line in lines[i:j]]
    tail = [indent + b"finally:", indent + b"    pass"] if header == b"try:" else []
    return lines[:i] + [indent + header] + body + tail + lines[j:], f"wrap_in_block({i + 1}-{j}, {header!r})"


MUTATIONS: list[Callable] = [
    delete_line, duplicate_line, swap_lines, move_line, reindent, tabify, truncate,
    insert_token, insert_token, insert_statement, insert_statement, insert_statement,
    insert_print, insert_print, rename_run, drop_lines_containing, drop_lines_containing,
    append_comment, line_endings, add_bom, flip_byte, string_noise, duplicate_class,
    rename_class, wrap_in_block, wrap_in_block,
]


def mutate(data: bytes, rng: random.Random, count: int) -> tuple[bytes, list[str]]:
    lines = data.split(b"\n")
    steps = []
    for _ in range(count):
        lines, step = rng.choice(MUTATIONS)(lines, rng)
        steps.append(step)
    return b"\n".join(lines), steps


def _project_mutation(case: Case, rng: random.Random) -> tuple[dict[str, bytes], str]:
    """A cross-file change: a driver copied under another name (same registration key),
    or the registrations of a package's ``__init__.py`` dropped."""
    files = dict(case.files)
    drivers = [p for p in case.python if p.endswith("_driver.py")]
    if drivers and rng.random() < 0.6:
        original = rng.choice(drivers)
        folder, _, name = original.rpartition("/")
        copy = (folder + "/" if folder else "") + rng.choice(["copy_", "v2_", "x"]) + name
        files[copy] = files[original]
        return files, f"copy_file({original} -> {copy})"
    inits = [p for p in case.python if p.endswith("__init__.py")]
    if inits:
        init = rng.choice(inits)
        files[init] = b"\n".join(line for line in files[init].split(b"\n")
                                 if b"register" not in line)
        return files, f"drop_registrations({init})"
    return files, "no_project_mutation()"


def mutated_case(number: int, seed: int = SEED) -> Case:
    """Case ``number``: a seed case with one to four mutations of one of its files (and,
    for projects, sometimes a cross-file change)."""
    rng = random.Random(f"{seed}:{number}")
    kind = rng.choices(["corpus:", "example:", "corpus-package:"], weights=[4, 4, 2])[0]
    base = rng.choice([case for case in seed_cases() if case.name.startswith(kind)])
    if kind == "corpus-package:":  # the __init__.py and a few modules: cross-file, but small
        others = sorted(set(base.python) - {base.main})
        kept = [base.main, *rng.sample(others, min(len(others), rng.randint(2, 5)))]
        base = Case(base.name, {path: base.files[path] for path in sorted(kept)}, main=base.main)
    files, steps = dict(base.files), []
    if len(base.python) > 1 and rng.random() < 0.4:
        files, step = _project_mutation(base, rng)
        steps.append(step)
    python = sorted(p for p in files if p.endswith(".py"))
    main = base.main if base.main in python and rng.random() < 0.7 else rng.choice(python)
    files[main], more = mutate(files[main], rng, rng.randint(1, 4))
    steps += more
    return Case(f"mutated-{number} {base.name}: {main}: " + "; ".join(steps), files,
                target=base.target, main=main, steps=steps)


def mutated_cases(count: int, seed: int = SEED, start: int = 0) -> list[Case]:
    return [mutated_case(number, seed) for number in range(start, start + count)]


# --- hypothesmith programs ---------------------------------------------------------------

DRIVER_HEAD = ("from osiris.core.driver import DriverRegistry\n\n\n"
               "class FuzzExtractorDriver:\n"
               "    def run(self, step_id, config, inputs, ctx):\n")
DRIVER_TAIL = ("\n        return {'df': None}\n\n\n"
               "DriverRegistry.register('fuzz.extractor', FuzzExtractorDriver())\n")


def in_run(program: str) -> str:
    """``program`` as the body of a driver's ``run`` (which it may well not be valid as)."""
    return DRIVER_HEAD + textwrap.indent(program, " " * 8, lambda line: True) + DRIVER_TAIL


def program_cases(program: str) -> list[Case]:
    """A generated program as a driver module of its own, and as the body of ``run``."""
    name = "fuzz_extractor_driver.py"
    return [Case("hypothesmith module", {name: program.encode("utf-8", "surrogatepass")}),
            Case("hypothesmith run body", {name: in_run(program).encode("utf-8", "surrogatepass")})]


# --- the extreme files of issue 15 --------------------------------------------------------

HEAD = ("from osiris.core.driver import DriverRegistry\n\n\n"
        "class DeepExtractorDriver:\n"
        "    def run(self, step_id, config, inputs, ctx):\n")
TAIL = ("        print(x)\n"
        "        return {'df': x}\n\n\n"
        "DriverRegistry.register('deep.extractor', DeepExtractorDriver())\n")
ELIFS = "        if config['m'] == 0:\n            x = 0\n" + "".join(
    f"        elif config['m'] == {i}:\n            x = {i}\n" for i in range(1, 500))

DEEP = {
    "plus": HEAD + "        x = " + " + ".join(["a"] * 500) + "\n" + TAIL,
    "elif": HEAD + ELIFS + TAIL,
    "attribute": HEAD + "        x = a" + ".b" * 500 + "\n" + TAIL,
    "and": HEAD + "        x = " + " and ".join(["a"] * 10_000) + "\n" + TAIL,
}


def thousand_branch_driver() -> str:
    """A clean driver whose run holds a 1,000-branch if/elif."""
    branches = "            if config['m'] == 0:\n                x = 0\n" + "".join(
        f"            elif config['m'] == {i}:\n                x = {i}\n" for i in range(1, 1000))
    return (
        "from osiris.core.driver import DriverRegistry\n\n\n"
        "class HugeExtractorDriver:\n"
        "    def run(self, step_id, config, inputs, ctx):\n"
        "        try:\n"
        "            if 'm' not in config:\n"
        "                raise ValueError('m')\n"
        f"{branches}"
        "            else:\n"
        "                x = None\n"
        "            ctx.log_metric('rows_read', 0)\n"
        "            return {'df': x}\n"
        "        except Exception as e:\n"
        "            ctx.log_event('step_failed', {'step_id': step_id, 'error': str(e),\n"
        "                                          'error_type': type(e).__name__})\n"
        "            raise\n\n\n"
        "DriverRegistry.register('huge.extractor', HugeExtractorDriver())\n")


ONE_LINE_TRY = HEAD + "        try: x = 1\n        finally: pass\n" + TAIL
NESTED_CALLS = "x = " + "f(" * 300 + ")" * 300 + "\n"
NESTED_PARENTHESES = "x = " + "(" * 1500 + "1" + ")" * 1500 + "\n"
NESTED_CALLS_800 = "x = " + "f(" * 800 + ")" * 800 + "\n"
NUL_BYTES = "x = 1\ny = '\0'\n"
ODD_SEPARATORS = "        y = 'a\x0cb\x85c\u2028d'\n        x = 1\n"  # not line breaks for Python
LATIN1 = "# -*- coding: latin-1 -*-\n" + HEAD + "        x = 'Zürich'\n" + TAIL
CONTROL_CHARACTERS = HEAD.replace(
    "    def run", "    NAME = '\x1b[31mred\x01'\n\n    def run") + "        x = 1\n" + TAIL


@functools.cache
def extreme_cases() -> tuple[Case, ...]:
    """Issue 15's list, each as a driver file (the file name makes it an extractor)."""
    name = "extreme_extractor_driver.py"
    texts: dict[str, str | bytes] = {f"deep-{kind}": source for kind, source in DEEP.items()}
    texts |= {
        "thousand-branches": thousand_branch_driver(),
        "one-line-try-finally": ONE_LINE_TRY,
        "nested-calls-300": NESTED_CALLS,
        "nested-calls-300-then-a-finding": HEAD + "        x = " + "f(" * 300 + ")" * 300
        + "\n" + TAIL,
        "nested-parentheses-1500": NESTED_PARENTHESES,
        "nested-calls-800": NESTED_CALLS_800,
        "nested-calls-800-in-run": HEAD + "        x = " + "f(" * 800 + ")" * 800 + "\n" + TAIL,
        "nested-parentheses-190": HEAD + "        x = " + "(" * 190 + "1" + ")" * 190 + "\n" + TAIL,
        "nested-lists-190": HEAD + "        x = " + "[" * 190 + "]" * 190 + "\n" + TAIL,
        "nested-ifs-90": HEAD + "".join("        " + "    " * k + "if x:\n" for k in range(90))
        + "        " + "    " * 90 + "print(x)\n" + TAIL,
        "nul-bytes": NUL_BYTES,
        "nul-byte-in-driver": (HEAD + "        x = '\0'\n" + TAIL),
        "lone-cr": (HEAD + ODD_SEPARATORS + TAIL).replace("\n", "\r").encode(),
        "crlf": (HEAD + ODD_SEPARATORS + TAIL).replace("\n", "\r\n").encode(),
        "mixed-line-ends": (HEAD + ODD_SEPARATORS).replace("\n", "\r") + TAIL.replace("\n", "\r\n"),
        "odd-separators": HEAD + ODD_SEPARATORS + TAIL,
        "separators-outside-strings": HEAD + "        x = 1\x0c\n        \x0cy = 2\n" + TAIL,
        "tabs-in-indentation": HEAD.replace("    def", "\tdef") + "\t\tx = 1\n"
        + TAIL.replace("        ", "\t\t"),
        "tabs-and-spaces": "def f():\n\t        x = 1\n        \tif x:\n        \t    return x\n",
        "form-feeds-in-indentation": HEAD + "\x0c        x = 1\n        \x0cprint(x)\n" + TAIL,
        "latin1-with-cookie": LATIN1.encode("latin-1"),
        "latin1-without-cookie": (HEAD + "        x = 'Zürich'\n" + TAIL).encode("latin-1"),
        "wrong-cookie": ("# coding: no-such-codec\n" + HEAD + "        x = 1\n" + TAIL).encode(),
        "control-characters": CONTROL_CHARACTERS,
        "ansi-in-messages": HEAD + "        print('\x1b[2J\x1b[31m')\n"
        "        cur.execute('DELETE \x1b[0m FROM t\x07')\n" + TAIL,
        "raw-controls-outside-strings": HEAD + "        x = 1 \x01\n" + TAIL,
        "bom": b"\xef\xbb\xbf" + (HEAD + "        x = 1\n" + TAIL).encode(),
        "bom-and-cookie": b"\xef\xbb\xbf# coding: utf-8\n" + (HEAD + "        x = 1\n" + TAIL).encode(),
        "bom-and-latin1-cookie": b"\xef\xbb\xbf# coding: latin-1\n" + (HEAD + TAIL).encode(),
        "empty": b"",
        "only-a-bom": b"\xef\xbb\xbf",
        "no-final-newline": (HEAD + TAIL).rstrip("\n"),
        "lone-surrogate-escape": HEAD + "        x = '\\ud800'\n" + TAIL,
        "invalid-escapes": HEAD + '        x = re.match("\\d+\\C", config["\\s"])\n' + TAIL,
        "truncated-unicode-escape": HEAD + '        x = config["\\url"]\n' + TAIL,
        "invalid-utf8": (HEAD + "        x = '").encode() + b"\xff\xfe" + ("'\n" + TAIL).encode(),
        "backslash-continuations": HEAD + "        x = \\\n" * 50 + "            1\n" + TAIL,
        "long-line": HEAD + "        x = '" + "a" * 200_000 + "'\n" + TAIL,
        "many-drivers": "".join(
            f"class D{i}ExtractorDriver:\n    def run(self, step_id, config, inputs, ctx):\n"
            f"        print({i})\n        return {{}}\n\n" for i in range(300)),
    }
    cases = [Case(f"extreme:{key}", {name: text if isinstance(text, bytes) else text.encode(
        "utf-8", "surrogatepass")}) for key, text in texts.items()]
    # Names that reports must escape: control characters, XML's specials, undecodable bytes.
    odd_names = ["bad\x01name_extractor_driver.py", "ansi\x1b[31m_writer_driver.py",
                 "x&y<z>]]>_extractor_driver.py", "caf\udce9_extractor_driver.py",
                 "line\u2028sep_writer_driver.py", "tab\tname_extractor_driver.py"]
    cases.append(Case("extreme:file-names", {n: (HEAD + "        x = (\n").encode() if k % 2 else
                                             (HEAD + "        x = 1\n" + TAIL).encode()
                                             for k, n in enumerate(odd_names)}))
    return tuple(cases)
