"""How osiris-lint's time on one file grows with the size of its driver's ``run``.

    python bench/size_bench.py [--sizes 1000,2000,5000,10000,20000,50000]
                               [--cases straight,branches,prints,mix,writer]
                               [--timeout 120] [--repeat 1] [--select CODES] [--keep DIR]
                               [--rules [--rule-sizes N1,N2]]
    python bench/size_bench.py --parts [--rule-sizes 5000,50000] [--no-gc]
    python bench/size_bench.py --profile 5000,50000 --profile-case mix [--select OSD031] [--no-gc]

Goal (issue 15): the time per file grows linearly with its size. For every case and
size N the bench writes one driver file whose ``run`` body has about N lines (the
module, the class, ``_validate_config`` and the registration around it come from
bench/lint_corpus.py, as in lint_bench.py), and times, each in a fresh process:

  parse  ``libcst.parse_module`` of the file alone (timed inside the process, so
         without Python's start-up)
  lint   ``osiris-lint --no-cache --jobs 1 FILE``, all rules, the whole process

The cases (the shape of the N lines; all extractors but the last):

  straight  straight-line assignments and calls: ``x_17 = cfg.get("k17")``,
            ``df_17 = df_16.assign(...)``, ``logger.info(...)``, one new name a line
  branches  ``if/elif/else`` chains of 8 branches on a configuration value
  prints    ``print(...)`` calls: one OSD020 finding a line
  mix       SQL through cursors (``cur.execute("SELECT ...")``, some composed text,
            one f-string query every few blocks: OSD031/OSD034 findings), ``with``
            blocks, try/except, ``for`` loops, ``ctx.log_metric``, secrets read and logged
  writer    the same kind of mix in a writer: batches written in transactions, the
            write_mode branches

The Markdown table gives for each case and size the wall seconds (parse: inside its
process; lint: the whole process), the lint's CPU seconds, the lint seconds per 1,000
lines of ``run``, the ratio lint / parse, the growth exponent between successive
sizes, log(t2/t1)/log(n2/n1) (1 is linear, 2 quadratic; above 1.2 in bold) of the
lint's wall time, of its CPU time less the start-up's (a lint of the file with an
empty body: what grows with N, and less disturbed by other work on the machine) and
of the parse's CPU time, and each process's peak resident memory. A case that runs
past ``--timeout`` is recorded as "timeout" and its larger sizes are not tried.

``--rules``: for each case, at ``--rule-sizes`` (default: the largest size that
finished and the one before it), ``--select CODE`` for each rule of the catalogue,
a process each, against ``--select OSD900`` (no rule: the parse, the walk and the
file's facts): the CPU time each rule adds, and the exponent of that. Rules share
work (the walks of ``run`` through ``reach``, ``driver.shared``): alone, a rule pays
for what it shares.

``--parts``: instead of the table, one lint run in this process per case and size
(``--rule-sizes``, default 5000,50000) with the thread CPU time of each phase
(CPython's verdict, LibCST's parse, the walk, positions, the project pass's
positions, the report) and of each rule, what the cyclic garbage collector took
inside each, and how many full collections ran there. ``--no-gc`` runs them with the
collector off: a part that is superlinear only with it on pays for the collector's
full passes over the file's tree, not for an algorithm of its own.

``--profile SIZES``: the linter in this process under cProfile for one or two sizes
of ``--profile-case`` (the same as the command line run, ``--select`` applies); with
two sizes, each function's time at both and its exponent, the superlinear ones first.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import importlib.util
import io
import math
import os
import pstats
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_SIZES = (1000, 2000, 5000, 10000, 20000, 50000)
SUPERLINEAR = 1.2  # exponents above this are flagged
PARSE_ONLY = """
import sys, time
import libcst
text = open(sys.argv[1], encoding="utf-8").read()
start, cpu = time.perf_counter(), time.process_time()
libcst.parse_module(text)
print(time.perf_counter() - start, time.process_time() - cpu)
"""
FINDING = re.compile(r":\d+:\d+: (OSD\d+) ")


def load(name: str):
    """A sibling script as a module (bench/ is not a package)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


lint_bench = load("lint_bench")
corpus = load("lint_corpus")
indent = corpus.indent


# --- the files ---------------------------------------------------------------------------------


def driver_spec(category: str):
    kind, family, entity = "psycopg", "warehouse_pg", "orders"
    return corpus.DriverSpec(
        kind=kind, family=family, category=category, entity=entity,
        columns=corpus.ENTITIES[entity], module=f"{family}_{entity}_{category}_driver",
        violations=frozenset(), registered_in_init=False, keyword_only=False, binds_cfg=True,
        metric_style="direct", frame="df", uses_logger=True, style_seed=15,
    )


def cycle(blocks: list[Callable[[int], list[str]]], lines: int) -> list[str]:
    """Blocks, round-robin, numbered 0, 1, 2...; until there are ``lines`` lines."""
    out: list[str] = []
    number = 0
    while len(out) < lines:
        out += blocks[number % len(blocks)](number)
        number += 1
    return out


def straight_lines(spec, lines: int) -> list[str]:
    columns = spec.columns

    def stage(j: int) -> list[str]:
        column, previous = columns[j % len(columns)], f"df_{j - 1}" if j else "df"
        return [
            f'x_{j} = cfg.get("k{j}")',
            f'df_{j} = {previous}.assign({column}_{j}={previous}["{column}"].fillna(x_{j}))',
            f'logger.info("stage %d: %d rows, %s", {j}, len(df_{j}), x_{j})',
            f'limit_{j} = int(cfg.get("limit_{j}", {j}))',
            f"df_{j} = df_{j}.head(limit_{j}) if limit_{j} else df_{j}",
        ]

    body = cycle([stage], max(lines - 1, 1))
    return [*body, f"df = df_{len(body) // 5 - 1}"]


def branch_lines(spec, lines: int, branches: int = 8) -> list[str]:
    columns = spec.columns
    actions = [
        lambda c: f'df = df.assign({c}=df["{c}"].astype("string").str.upper())',
        lambda c: f'df = df.drop(columns=["{c}"])',
        lambda c: f'df = df[df["{c}"].notna()]',
        lambda c: f'df = df.sort_values("{c}")',
        lambda c: f'df = df.rename(columns={{"{c}": "{c}_raw"}})',
        lambda c: f'df = df.drop_duplicates(subset=["{c}"])',
        lambda c: f'df = df.assign({c}=pd.to_numeric(df["{c}"], errors="coerce"))',
        lambda c: f'df = df.fillna({{"{c}": ""}})',
    ]

    def chain(j: int) -> list[str]:
        out = [f'rule_{j} = cfg.get("rule_{j}", "keep")']
        for b in range(branches):
            column = columns[(j + b) % len(columns)]
            out += [f'{"elif" if b else "if"} rule_{j} == "{column}_{b}":',
                    "    " + actions[b % len(actions)](column)]
        return [*out, "else:", f'    logger.debug("stage {j}: %s leaves the frame as it is", rule_{j})']

    return cycle([chain], lines)


def print_lines(spec, lines: int) -> list[str]:
    columns = spec.columns
    forms = [
        lambda i, c: f'print(f"stage {i}: {{len(df)}} rows")',
        lambda i, c: f'print("checkpoint", {i}, df.shape)',
        lambda i, c: f'print(f"{{step_id}}: {c} has {{df[\'{c}\'].isna().sum()}} empty values")',
        lambda i, c: f'print("stage", {i}, "columns:", ", ".join(df.columns), sep=" ")',
    ]
    return cycle([lambda i: [forms[i % len(forms)](i, columns[i % len(columns)])]], lines)


def mix_lines(spec, lines: int) -> list[str]:
    """Inside ``with psycopg.connect(...) as conn:`` (the caller indents them)."""
    first, table = spec.columns[0], spec.entity
    listed = ", ".join(spec.columns[:4])

    def query(j: int) -> list[str]:
        column = spec.columns[1 + j % (len(spec.columns) - 1)]
        return [
            "with conn.cursor() as cur:",
            f'    cur.execute("SELECT {first}, {column} FROM {table} WHERE {column} IS NOT NULL '
            f'AND {first} > %s", (cfg.get("after_{j}", 0),))',
            f"    rows_{j} = cur.fetchall()",
            f'df = df.merge(pd.DataFrame(rows_{j}, columns=["{first}", "{column}_{j}"]), '
            f'on="{first}", how="left")',
            f'ctx.log_metric("rows_read", len(rows_{j}), tags={{"stage": "{j}"}})',
        ]

    def guarded(j: int) -> list[str]:
        return [
            "try:",
            f'    expected_{j} = int(cfg.get("expected_{j}", 0))',
            "except (TypeError, ValueError) as error:",
            f'    logger.warning("stage {j}: the expected count is not a number: %s", error)',
            f"    expected_{j} = 0",
            f"if expected_{j} and len(df) < expected_{j}:",
            f'    raise ValueError(f"stage {j}: {{len(df)}} rows, expected {{expected_{j}}}")',
        ]

    def composed(j: int) -> list[str]:
        return [
            f'query_{j} = "SELECT " + ", ".join(COLUMNS) + " FROM {table} WHERE {first} = %s"',
            f'for key_{j} in cfg.get("keys_{j}", []):',
            "    with conn.cursor() as cur:",
            f"        cur.execute(query_{j}, (key_{j},))",
            "        for record in cur.fetchall():",
            f"            logger.debug(\"stage {j}: %s\", record[0])",
        ]

    def secrets(j: int) -> list[str]:
        return [
            f'user_{j} = connection["user"]',
            f'token_{j} = connection.get("password")',
            f'logger.info("stage {j} runs as %s", user_{j})',
            f"if not token_{j}:",
            f'    raise ValueError("stage {j}: no password for %s" % user_{j})',
        ]

    def fstring(j: int) -> list[str]:
        return [
            "with conn.cursor() as cur:",
            f"    cur.execute(f\"SELECT count(*) FROM {{cfg['table_{j}']}} \"",
            f"                f\"WHERE {first} > {{cfg.get('after', 0)}}\")",
            f"    count_{j} = cur.fetchone()[0]",
            f'ctx.log_metric("rows_counted", count_{j})',
        ]

    def select(j: int) -> list[str]:
        return [
            "with conn.cursor() as cur:",
            f"    cur.execute(\"SELECT {listed} FROM {table} ORDER BY {first} LIMIT %s\", "
            f'(int(cfg.get("limit_{j}", 100)),))',
            f"    frame_{j} = pd.DataFrame(cur.fetchall(), columns=[c.name for c in cur.description])",
            f"df = pd.concat([df, frame_{j}], ignore_index=True)",
        ]

    return cycle([query, guarded, composed, secrets, query, select, guarded, fstring], lines)


def writer_lines(spec, lines: int) -> list[str]:
    """Inside ``with psycopg.connect(...) as conn:``; ``df``, ``mode`` and ``keys`` are bound."""
    first = spec.columns[0]

    def batch(j: int) -> list[str]:
        branches = corpus.mode_branches(
            spec,
            [f"cur.executemany(INSERT, rows_{j})"],
            [f'cur.execute("DELETE FROM {spec.entity} WHERE {first} = ANY(%s)", '
             f"([r[0] for r in rows_{j}],))", f"cur.executemany(INSERT, rows_{j})"],
            [f"cur.executemany(upsert_statement(keys), rows_{j})"],
        )
        return [
            f"batch_{j} = df.iloc[{j * 1000}:{(j + 1) * 1000}]",
            f"rows_{j} = list(batch_{j}.itertuples(index=False, name=None))",
            "with conn.transaction():",
            "    with conn.cursor() as cur:",
            *indent(branches, 2),
            f'logger.info("batch {j}: %d rows", len(rows_{j}))',
        ]

    def checked(j: int) -> list[str]:
        return [
            "try:",
            f'    retries_{j} = int(cfg.get("retries", 3))',
            "except (TypeError, ValueError):",
            f"    retries_{j} = 3",
            f"for attempt in range(retries_{j}):",
            "    with conn.cursor() as cur:",
            f'        cur.execute("SELECT count(*) FROM {spec.entity}")',
            f"        written_{j} = cur.fetchone()[0]",
            f"    if written_{j} >= {j * 1000}:",
            "        break",
            f'ctx.log_metric("rows_written", len(batch_{max(j - 1, 0)}))',
        ]

    return cycle([batch, batch, checked], lines)


@dataclass(frozen=True)
class Case:
    name: str
    category: str
    filler: Callable  # (spec, lines) -> the lines of run's body between prologue and epilogue
    connected: bool = False  # the filler runs inside ``with psycopg.connect(...) as conn:``


CASES = {
    case.name: case for case in (
        Case("straight", "extractor", straight_lines),
        Case("branches", "extractor", branch_lines),
        Case("prints", "extractor", print_lines),
        Case("mix", "extractor", mix_lines, connected=True),
        Case("writer", "writer", writer_lines, connected=True),
    )
}


def run_body(case: Case, spec, lines: int) -> list[str]:
    """``run``'s body, about ``lines`` lines: the prologue and epilogue lint_corpus
    writes for a driver, and ``lines`` minus them of the case's filler."""
    prologue = ["cfg = self._validate_config(config)"]
    if spec.category == "writer":
        prologue += ["self._require_df(inputs)", 'df = inputs["df"]',
                     'mode = config.get("write_mode", "append")',
                     'keys = config.get("primary_key") or list(KEY_COLUMNS)']
    else:
        prologue += corpus.extract_work(spec)  # a connection, a cursor, a SELECT into df
    epilogue = [f'logger.info("step %s: %d {spec.entity}", step_id, len(df))',
                *corpus.metric_lines(spec),
                "return {}" if spec.category == "writer" else 'return {"df": df}']
    opener = corpus.connection_lines(spec) if case.connected else []
    wanted = max(0, lines - len(prologue) - len(epilogue) - len(opener) - 1 - 7)  # try, except
    if not wanted:
        opener = []
    filler = case.filler(spec, wanted) if wanted else []
    body = [*prologue, *opener, *indent(filler, 1 if case.connected else 0), *epilogue]
    return ["try:", *indent(body), *corpus.failure_handler()]


def render(case: Case, lines: int) -> tuple[str, int]:
    """The driver file's text, and how many lines its ``run`` body has."""
    spec = driver_spec(case.category)
    body = run_body(case, spec, lines)
    run = [corpus.signature(spec), *indent(body)]
    methods = [corpus.validate_method(spec)]
    if spec.category == "writer":
        methods.append(corpus.require_df_method(spec))
    members = [*corpus.class_docstring(spec), *run]
    for method in methods:
        members += ["", *method]
    rng = random.Random(spec.style_seed)
    module = [
        *corpus.module_constants(spec, rng),
        "",
        *corpus.statement_functions(spec),
        f"class {spec.class_name}:",
        *indent(members),
        "",
        "",
        f'DriverRegistry.register("{spec.key}", {spec.class_name}())',
    ]
    text = [*corpus.module_docstring(spec, rng), "", *corpus.import_lines("\n".join(module)), *module]
    return "\n".join(text) + "\n", len(body)


def write_case(folder: Path, case: Case, lines: int) -> tuple[Path, int]:
    text, body_lines = render(case, lines)
    path = folder / case.name / str(lines) / f"{driver_spec(case.category).module}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path, body_lines


# --- measuring ---------------------------------------------------------------------------------

TIMEOUT = "timeout"


@dataclass
class Run:
    seconds: float | str  # wall time, or TIMEOUT
    cpu: float | None = None  # user + system time of the process (parse: of the parse)
    output: str = ""
    peak_mb: float | None = None  # the process's largest resident set


def lint_command(path: Path, select: str | None) -> list[str]:
    command = [*lint_bench.OSIRIS_LINT, "--no-cache", "--jobs", "1", "--output-format", "concise",
               "--quiet", "--exit-zero", path.name]
    return [*command, "--select", select] if select else command


@dataclass
class Process:
    wall: float
    cpu: float  # user + system
    peak_mb: float  # its largest resident set
    returncode: int
    stdout: str
    stderr: str


def run_process(command: list[str], cwd: Path, timeout: float,
                env: dict[str, str] | None = None) -> Process | None:
    """``command`` to its end, with its own resource usage (``os.wait4``); None when it
    runs past ``timeout`` (it is killed)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, env=env)
        delay = 0.001
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            wall = time.perf_counter() - start
            if pid:
                break
            if wall > timeout:
                child.kill()
                os.wait4(child.pid, 0)
                child.returncode = -9  # reaped here: Popen must not wait for it again
                return None
            time.sleep(delay)
            delay = min(delay * 2, 0.02)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Process(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                       child.returncode, out.read().decode(), err.read().decode())


def timed_lint(path: Path, select: str | None, timeout: float) -> Run:
    """The whole process."""
    done = run_process(lint_command(path, select), path.parent, timeout, lint_bench.ENVIRONMENT)
    if done is None:
        return Run(TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"osiris-lint exited {done.returncode} on {path}:\n{done.stderr}")
    return Run(done.wall, done.cpu, done.stdout, done.peak_mb)


def timed_parse(path: Path, timeout: float) -> Run:
    """Wall and CPU time of the parse alone, inside the process; the process's peak memory."""
    done = run_process([sys.executable, "-c", PARSE_ONLY, str(path)], path.parent, timeout)
    if done is None:
        return Run(TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"the parse of {path} failed:\n{done.stderr}")
    wall, cpu = (float(part) for part in done.stdout.split())
    return Run(wall, cpu, peak_mb=done.peak_mb)


def median_of(repeat: int, measure: Callable[[], Run]) -> Run:
    runs = []
    for _ in range(repeat):
        run = measure()
        if run.seconds == TIMEOUT:
            return run
        runs.append(run)
    return Run(statistics.median(r.seconds for r in runs), statistics.median(r.cpu for r in runs),
               runs[0].output, max(r.peak_mb for r in runs))


@dataclass
class Row:
    case: str
    size: int  # asked for
    lines: int  # run's body as written
    file_lines: int
    parse: Run
    lint: Run

    @property
    def timed(self) -> bool:
        return isinstance(self.lint.seconds, float)

    @property
    def findings(self) -> Counter:
        return Counter(FINDING.findall(self.lint.output))


def exponent(t1, t2, n1: int, n2: int) -> float | None:
    if not all(isinstance(t, float) and t > 0 for t in (t1, t2)) or n1 == n2:
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def fmt(value, digits: int = 2) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return f"{value:.{digits}f}"


def flagged(value: float | None) -> str:
    text = fmt(value)
    return f"**{text}**" if value is not None and value > SUPERLINEAR else text


def measure_sizes(folder: Path, cases: list[Case], sizes: list[int], timeout: float, repeat: int,
                  select: str | None) -> list[Row]:
    rows = []
    for case in cases:
        for size in sizes:
            path, lines = write_case(folder, case, size)
            file_lines = path.read_text(encoding="utf-8").count("\n")
            if rows and rows[-1].case == case.name and not (
                    rows[-1].timed and isinstance(rows[-1].parse.seconds, float)):
                rows.append(Row(case.name, size, lines, file_lines, Run("not run"), Run("not run")))
                continue
            parse = median_of(repeat, lambda path=path: timed_parse(path, timeout))
            lint = median_of(repeat, lambda path=path: timed_lint(path, select, timeout))
            row = Row(case.name, size, lines, file_lines, parse, lint)
            rows.append(row)
            print(f"  {case.name:9} {size:>6}: parse {fmt(parse.seconds)} s, lint {fmt(lint.seconds)} s "
                  f"(CPU {fmt(lint.cpu)} s, {fmt(lint.peak_mb, 0)} MB, {sum(row.findings.values())} "
                  "findings)", file=sys.stderr, flush=True)
    return rows


def size_table(rows: list[Row], startup: Run) -> str:
    lines = [
        "| case | N | run lines | parse s | lint s | lint CPU s | lint s / 1,000 lines "
        "| lint / parse | exp. lint | exp. lint CPU net | exp. parse CPU | parse MB | lint MB "
        "| findings |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    previous: Row | None = None
    for row in rows:
        same = previous is not None and previous.case == row.case
        wall, parse = row.lint.seconds, row.parse.seconds
        per_1000 = wall / row.lines * 1000 if row.timed else None
        ratio = wall / parse if row.timed and isinstance(parse, float) else None
        e_lint = e_net = e_parse = None
        if same and previous.timed and row.timed:
            e_lint = exponent(previous.lint.seconds, wall, previous.lines, row.lines)
            e_net = exponent(previous.lint.cpu - startup.cpu, row.lint.cpu - startup.cpu,
                             previous.lines, row.lines)
            e_parse = exponent(previous.parse.cpu, row.parse.cpu, previous.lines, row.lines)
        lines.append(
            f"| {row.case} | {row.size:,} | {row.lines:,} | {fmt(parse)} | {fmt(wall)} "
            f"| {fmt(row.lint.cpu)} | {fmt(per_1000, 3)} | {fmt(ratio)}{'x' if ratio else ''} "
            f"| {flagged(e_lint)} | {flagged(e_net)} | {flagged(e_parse)} "
            f"| {fmt(row.parse.peak_mb, 0)} | {fmt(row.lint.peak_mb, 0)} "
            f"| {sum(row.findings.values()) if row.timed else ''} |")
        previous = row
    overall = []
    for case in dict.fromkeys(row.case for row in rows):
        timed = [row for row in rows if row.case == case and row.timed]
        if len(timed) >= 2:
            first, last = timed[0], timed[-1]
            span = first.lines, last.lines
            wall = exponent(first.lint.seconds, last.lint.seconds, *span)
            net = exponent(first.lint.cpu - startup.cpu, last.lint.cpu - startup.cpu, *span)
            parse = exponent(first.parse.cpu, last.parse.cpu, *span)
            overall.append(f"{case} {fmt(wall)} (CPU net {fmt(net)}, parse CPU {fmt(parse)})")
    return "\n".join(lines) + ("\n\nExponent from the smallest to the largest size linted: "
                               + "; ".join(overall) if overall else "")


def findings_summary(rows: list[Row]) -> str:
    largest: dict[str, Row] = {}
    for row in rows:
        if row.timed:
            largest[row.case] = row
    return "\n".join(
        f"- {case} at N = {row.size:,}: "
        + (", ".join(f"{code} x{count}" for code, count in sorted(row.findings.items())) or "none")
        for case, row in largest.items())


# --- per rule ----------------------------------------------------------------------------------

BASELINE = "OSD900"  # reported by the engine itself: parse, walk, facts, no rule


def rule_codes() -> list[str]:
    listed = subprocess.run([*lint_bench.OSIRIS_LINT, "--list-rules"], capture_output=True,
                            text=True, check=True, env=lint_bench.ENVIRONMENT).stdout
    codes = [line.split()[0] for line in listed.splitlines() if line.startswith("OSD")]
    return [c for c in codes if not c.startswith("OSD90")]


def rules_table(folder: Path, case: Case, sizes: list[int], timeout: float,
                repeat: int) -> str:
    """Each rule alone at two sizes: the CPU time it adds to the baseline's, and that
    time's exponent (CPU time: the wall time of a shared machine is noisier)."""
    (n1, lines1), (n2, lines2) = [(n, write_case(folder, case, n)[1]) for n in sizes]
    paths = [folder / case.name / str(n) / f"{driver_spec(case.category).module}.py" for n in sizes]
    out = [f"#### {case.name}: each rule alone (`--select CODE`), N = {n1:,} and {n2:,}, CPU seconds",
           "",
           f"| rule | lint, N={n1:,} | lint, N={n2:,} | rule, N={n1:,} | rule, N={n2:,} "
           "| exp. rule | exp. lint | findings |",
           "|---|---:|---:|---:|---:|---:|---:|---:|"]

    def both(select: str) -> list[Run]:
        return [median_of(repeat, lambda path=path: timed_lint(path, select, timeout))
                for path in paths]

    base = both(BASELINE)
    base_cpu = [r.cpu for r in base]
    out.append(f"| {BASELINE} (baseline: parse, walk, facts) | {fmt(base_cpu[0])} "
               f"| {fmt(base_cpu[1])} | | | | "
               f"{flagged(exponent(*base_cpu, lines1, lines2))} | |")
    for code in rule_codes():
        runs = both(code)
        t1, t2 = (r.cpu if r.cpu is not None else r.seconds for r in runs)
        own = [t - b if isinstance(t, float) and isinstance(b, float) else None
               for t, b in zip((t1, t2), base_cpu, strict=True)]
        # What a rule adds is noise below ~50 ms: no exponent from that.
        e_rule = exponent(*own, lines1, lines2) if all(o and o > 0.05 for o in own) else None
        found = len(FINDING.findall(runs[1].output))
        out.append(f"| {code} | {fmt(t1)} | {fmt(t2)} | {fmt(own[0])} | {fmt(own[1])} "
                   f"| {flagged(e_rule)} | {flagged(exponent(t1, t2, lines1, lines2))} | {found} |")
        print(f"  {case.name:9} {code}: {fmt(t1)} s, {fmt(t2)} s CPU", file=sys.stderr, flush=True)
    return "\n".join(out)


# --- each rule and phase, in-process -----------------------------------------------------------


class _Parts:
    """CPU time of the current thread spent in labelled, nested regions; each region's
    own time excludes the regions inside it, so the parts add up to the whole run.
    The cyclic garbage collector's passes are counted apart too, for the region that
    was running when each started (the one whose allocation set it off)."""

    def __init__(self) -> None:
        self.own: Counter = Counter()
        self.collecting: Counter = Counter()  # label -> seconds in the collector, in it
        self.full: Counter = Counter()  # label -> full (generation 2) collections in it
        self._stack: list[list] = []  # [label, start, time of the regions inside]
        self._collection_start = 0.0

    def wrap(self, label: str | Callable[..., str], function: Callable) -> Callable:
        def timed(*args, **kwargs):
            name = label(*args) if callable(label) else label
            self._stack.append([name, time.thread_time(), 0.0])
            try:
                return function(*args, **kwargs)
            finally:
                name, start, inner = self._stack.pop()
                elapsed = time.thread_time() - start
                self.own[name] += elapsed - inner
                if self._stack:
                    self._stack[-1][2] += elapsed
        return timed

    def on_collection(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._collection_start = time.thread_time()
            return
        label = self._stack[-1][0] if self._stack else "other"
        self.collecting[label] += time.thread_time() - self._collection_start
        self.full[label] += info["generation"] == 2


PHASES = {
    "cpython": "CPython's verdict (source.refusal)",
    "parse": "LibCST parse (engine.parse less CPython's verdict)",
    "walk": "the engine's walk, less the rules' visits",
    "positions": "positions (Positions._compute)",
    "locate": "positions of project findings (Linter._locate, parses again)",
    "render": "the report (reporters.render)",
    "other": "the rest (start of the run, facts, suppressions, reading the file)",
}


@contextlib.contextmanager
def collector(enabled: bool):
    """The cyclic garbage collector on (as the command line runs) or off: its time lands
    in whatever function allocates when it runs, and grows with the live tree."""
    if enabled:
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def rule_times(path: Path, select: str | None, gc_enabled: bool = True) -> _Parts:
    """One lint run in this process, like the command line's, with the thread CPU time
    of each phase and of each rule (its visits in the walk, its check_driver /
    check_file, a project rule's check_project). Work a rule shares with others
    (``driver.shared``, ``walk.descendants``...) counts for the first that asks."""
    from osiris_driver_kit.linter import reporters
    from osiris_driver_kit.linter.analysis import walk
    from osiris_driver_kit.linter.cli import app
    from osiris_driver_kit.linter.engine import deep, positions, source
    from osiris_driver_kit.linter.engine import lint_file as engine
    from osiris_driver_kit.linter.engine import lint_run as linting
    from osiris_driver_kit.linter.engine.rule import ProjectRule
    from osiris_driver_kit.linter.rules import rule_classes

    parts = _Parts()
    patches = [
        (engine, "_guarded", parts.wrap(lambda rule, *_: rule.code, engine._guarded)),
        (engine, "parse", parts.wrap("parse", engine.parse)),
        (source, "refusal", parts.wrap("cpython", source.refusal)),
        (walk.Walk, "run", parts.wrap("walk", walk.Walk.run)),
        (positions.Positions, "_compute", parts.wrap("positions", positions.Positions._compute)),
        (linting.Linter, "_locate", parts.wrap("locate", linting.Linter._locate)),
        (reporters, "render", parts.wrap("render", reporters.render)),
    ]
    patches += [(cls, "check_project", parts.wrap(cls.code, cls.__dict__["check_project"]))
                for cls in rule_classes()
                if issubclass(cls, ProjectRule) and "check_project" in cls.__dict__]
    arguments = lint_command(path, select)[len(lint_bench.OSIRIS_LINT):]
    originals = [(owner, name, getattr(owner, name)) for owner, name, _ in patches]

    def run() -> None:
        with contextlib.redirect_stdout(io.StringIO()), working_directory(path.parent):
            try:
                app(arguments, standalone_mode=False)
            except SystemExit:
                pass

    for owner, name, replacement in patches:
        setattr(owner, name, replacement)
    gc.callbacks.append(parts.on_collection)
    try:
        with collector(gc_enabled):
            deep.call(parts.wrap("other", run))
    finally:
        gc.callbacks.remove(parts.on_collection)
        for owner, name, original in originals:
            setattr(owner, name, original)
    return parts


def rule_times_report(folder: Path, case: Case, sizes: list[int], select: str | None,
                      repeat: int, gc_enabled: bool = True) -> str:
    warm, _ = write_case(folder, case, 100)
    rule_times(warm, select)  # imports LibCST and the rules outside the times
    measured = []
    for size in sizes:
        path, lines = write_case(folder, case, size)
        runs = [rule_times(path, select, gc_enabled) for _ in range(repeat)]
        middle = sorted(runs, key=lambda run: sum(run.own.values()))[len(runs) // 2]
        measured.append((size, lines, middle))
        print(f"  timed parts of {case.name} N={size:,}: {sum(middle.own.values()):.2f} s CPU",
              file=sys.stderr, flush=True)
    (n1, l1, small), (n2, l2, large) = measured[0], measured[-1]
    total = sum(large.own.values())
    out = [f"#### {case.name}: thread CPU seconds by part, in-process, N = {n1:,} and {n2:,}"
           + (f" (the run of median total of {repeat})" if repeat > 1 else "")
           + ("" if gc_enabled else ", garbage collector off"), "",
           f"| part | N={n1:,} | N={n2:,} | share at N={n2:,} | exponent "
           f"| of which garbage collector, N={n1:,} / {n2:,} | full collections |",
           "|---|---:|---:|---:|---:|---:|---:|"]

    def row(label: str, title: str) -> str:
        a, b = small.own.get(label, 0.0), large.own.get(label, 0.0)
        # Below 0.1 s at the larger size a part is too small for an exponent to mean much.
        e = exponent(a, b, l1, l2) if a > 0 and b >= 0.1 else None
        collecting = f"{small.collecting.get(label, 0.0):.2f} / {large.collecting.get(label, 0.0):.2f}"
        full = f"{small.full.get(label, 0)} / {large.full.get(label, 0)}"
        return f"| {title} | {a:.3f} | {b:.3f} | {b / total:.1%} | {flagged(e)} | {collecting} | {full} |"

    out += [row(label, title) for label, title in PHASES.items()]
    rules = sorted((label for label in set(small.own) | set(large.own) if label.startswith("OSD")),
                   key=lambda label: large.own.get(label, 0.0), reverse=True)
    out += [row(label, label) for label in rules if large.own.get(label, 0.0) >= 0.0005]
    small_total = sum(small.own.values())
    out.append(f"| total | {small_total:.3f} | {total:.3f} | 100% "
               f"| {flagged(exponent(small_total, total, l1, l2))} "
               f"| {sum(small.collecting.values()):.2f} / {sum(large.collecting.values()):.2f} "
               f"| {sum(small.full.values())} / {sum(large.full.values())} |")
    return "\n".join(out)


# --- profile -----------------------------------------------------------------------------------


@contextlib.contextmanager
def working_directory(folder: Path):
    previous = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def profile_once(path: Path, select: str | None, gc_enabled: bool = True) -> pstats.Stats:
    """The linter as the command line runs it, in this process, under cProfile. The
    profiler runs on the linter's own deep-stack thread (it sees one thread only)."""
    from osiris_driver_kit.linter.cli import app
    from osiris_driver_kit.linter.engine import deep

    arguments = lint_command(path, select)[len(lint_bench.OSIRIS_LINT):]
    profiler = cProfile.Profile()

    def run() -> None:
        with contextlib.redirect_stdout(io.StringIO()), working_directory(path.parent):
            profiler.enable()
            try:
                app(arguments, standalone_mode=False)
            except SystemExit:
                pass
            finally:
                profiler.disable()

    with collector(gc_enabled):
        deep.call(run)
    return pstats.Stats(profiler)


# The command line's frames above the linter: all of the run, nothing to learn.
WRAPPERS = ("typer/", "click/", "size_bench.py", "linter/engine/deep.py", "linter/cli.py")


def where(function: tuple[str, int, str]) -> str:
    filename, line, name = function
    if filename.startswith(str(ROOT)):
        filename = os.path.relpath(filename, ROOT)
    elif "site-packages/" in filename:
        filename = filename.split("site-packages/", 1)[1]
    return f"{filename}:{line}({name})" if line else name


def profile_report(folder: Path, case: Case, sizes: list[int], select: str | None,
                   top: int, gc_enabled: bool = True) -> str:
    warm, _ = write_case(folder, case, 100)
    profile_once(warm, select)  # imports LibCST and the rules outside the profile
    measured = []
    for size in sizes:
        path, lines = write_case(folder, case, size)
        start = time.perf_counter()
        stats = profile_once(path, select, gc_enabled)
        elapsed = time.perf_counter() - start
        measured.append((size, lines, stats.stats, elapsed))
        print(f"  profiled {case.name} N={size:,}: {elapsed:.2f} s", file=sys.stderr, flush=True)
    out = [f"cProfile, case {case.name}" + (f", --select {select}" if select else "")
           + ("" if gc_enabled else ", garbage collector off")
           + ", " + ", ".join(f"N = {s:,}: {e:.2f} s under the profiler" for s, _, _, e in measured),
           ""]
    if len(measured) == 1:
        _, _, table, _ = measured[0]
        for title, column in (("cumulative", 3), ("own (tottime)", 2)):
            out += [f"Top {top} by {title} time:", "", "| function | calls | own s | cumulative s |",
                    "|---|---:|---:|---:|"]
            ranked = sorted(((f, s) for f, s in table.items()
                             if not any(part in f[0] for part in WRAPPERS)),
                            key=lambda item, column=column: item[1][column], reverse=True)[:top]
            out += [f"| `{where(f)}` | {s[1]:,} | {s[2]:.3f} | {s[3]:.3f} |" for f, s in ranked]
            out.append("")
        return "\n".join(out)
    (n1, l1, small, _), (n2, l2, large, _) = measured[:2]
    total = max(s[3] for s in large.values())
    shown = [f for f in large if not any(part in f[0] for part in WRAPPERS)]

    def exponents(function) -> tuple[float | None, float | None]:
        """Of own and cumulative time; none from times under 5 ms."""
        a, b = small.get(function), large[function]
        if not a:
            return None, None
        return tuple(exponent(a[i], b[i], l1, l2) if a[i] > 0.005 else None for i in (2, 3))

    def row(function) -> str:
        a, b = small.get(function), large[function]
        calls = f"{a[1]:,} / {b[1]:,}" if a else f"- / {b[1]:,}"
        own, cumulative = exponents(function)
        return (f"| `{where(function)}` | {calls} | {a[2] if a else 0:.3f} / {b[2]:.3f} "
                f"| {a[3] if a else 0:.3f} / {b[3]:.3f} | {flagged(own)} | {flagged(cumulative)} |")

    def steep(function) -> bool:
        """Own time at least 1% of the run, or cumulative 2%, growing faster than linear."""
        own, cumulative = exponents(function)
        b = large[function]
        return (b[2] >= 0.01 * total and (own or 0) > SUPERLINEAR) or \
            (b[3] >= 0.02 * total and (cumulative or 0) > SUPERLINEAR)

    header = [f"| function | calls N={n1:,} / {n2:,} | own s | cumulative s | exp. own | exp. cumulative |",
              "|---|---:|---:|---:|---:|---:|"]
    for title, column in (("cumulative", 3), ("own", 2)):
        ranked = sorted(shown, key=lambda f, column=column: large[f][column], reverse=True)[:top]
        out += [f"Top {top} by {title} time at N = {n2:,}:", "", *header, *(row(f) for f in ranked), ""]
    found = sorted((f for f in shown if steep(f)), key=lambda f: large[f][2], reverse=True)
    out += [f"Superlinear: own time >= 1% of the run or cumulative >= 2%, with an exponent above "
            f"{SUPERLINEAR} (by own time: where the time is spent):", "", *header,
            *(row(f) for f in found[:top])]
    if not found:
        out.append("| (none) | | | | | |")
    return "\n".join(out)


def linter_version() -> str:
    """The commit linted with, and whether the linter's folder has changes on top of it."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--", "linter"], cwd=ROOT,
                                 capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "linter of an unknown commit"
    return f"linter at {commit}" + (" with uncommitted changes in linter/" if changed else "")


# --- main --------------------------------------------------------------------------------------


def numbers(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=numbers, default=list(DEFAULT_SIZES),
                        help="comma-separated numbers of lines of run's body")
    parser.add_argument("--cases", default=",".join(CASES),
                        help=f"comma-separated, of: {', '.join(CASES)}")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds a single parse or lint may take (default 120)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measure (median)")
    parser.add_argument("--select", help="pass --select to osiris-lint (default: every rule)")
    parser.add_argument("--rules", action="store_true",
                        help="time each rule alone (--select CODE, a process each) at --rule-sizes, "
                        "by default the two largest sizes that finished")
    parser.add_argument("--rule-sizes", type=numbers, metavar="N1,N2",
                        help="the two sizes --rules and --parts measure at")
    parser.add_argument("--parts", action="store_true",
                        help="instead of the table: the CPU time of each phase and rule, in-process, "
                        "at --rule-sizes (default 5000,50000)")
    parser.add_argument("--profile", type=numbers, metavar="SIZES",
                        help="profile the linter in-process at one or two sizes instead")
    parser.add_argument("--profile-case", default="mix", choices=list(CASES))
    parser.add_argument("--no-gc", action="store_true",
                        help="--parts and --profile with the cyclic garbage collector off")
    parser.add_argument("--top", type=int, default=25, help="functions listed by --profile")
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    args = parser.parse_args()
    unknown = [c for c in args.cases.split(",") if c not in CASES]
    if unknown:
        parser.error(f"unknown cases {unknown}; choose from {', '.join(CASES)}")
    cases = [CASES[c] for c in args.cases.split(",")]
    with contextlib.ExitStack() as stack:
        if args.keep:
            folder = args.keep.resolve()
            folder.mkdir(parents=True, exist_ok=True)
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="size-bench-")))
        if args.parts:
            print(f"{linter_version()}, Python {sys.version.split()[0]}\n")
            for case in cases:
                print(rule_times_report(folder, case, (args.rule_sizes or [5000, 50000])[:2],
                                        args.select, args.repeat, not args.no_gc))
                print()
            return 0
        if args.profile:
            print(f"{linter_version()}, Python {sys.version.split()[0]}\n")
            print(profile_report(folder, CASES[args.profile_case], args.profile[:2], args.select,
                                 args.top, not args.no_gc))
            return 0
        version = linter_version()  # as the run starts: the folder may change under a long run
        # The start-up: after a first run that writes the bytecode caches, as lint_bench does.
        empty, _ = write_case(folder, cases[0], 0)
        timed_lint(empty, args.select, args.timeout)
        startup = median_of(max(args.repeat, 3), lambda: timed_lint(empty, args.select,
                                                                    args.timeout))
        rows = measure_sizes(folder, cases, sorted(args.sizes), args.timeout, args.repeat,
                             args.select)
        print(f"One driver file per case and size; {os.cpu_count()} cores, Python "
              f"{sys.version.split()[0]}, {version}"
              + ("" if linter_version() == version else f" (now {linter_version()})")
              + f"; median of {args.repeat} run(s), "
              f"timeout {args.timeout:.0f} s; osiris-lint start-up (a run with an empty body): "
              f"{startup.seconds:.2f} s, CPU {startup.cpu:.2f} s\n")
        print(size_table(rows, startup))
        print("\nFindings at the largest size linted:\n")
        print(findings_summary(rows))
        if args.rules:
            for case in cases:
                finished = [r.size for r in rows if r.case == case.name and r.timed]
                sizes = args.rule_sizes[:2] if args.rule_sizes else finished[-2:]
                if len(sizes) < 2:
                    continue
                print()
                print(rules_table(folder, case, sizes, args.timeout, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
