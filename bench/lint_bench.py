"""How fast osiris-lint is on 1,000 realistic driver files, against parsing alone.

    python bench/lint_bench.py [--files 1000] [--seed 7] [--violating 0.5] [--repeat 3]
                               [--corpus DIR | --wheel osiris-pipeline]

Prints a Markdown table: for each case the median wall time of --repeat runs, files
per second, the ratio to the baseline (a), and the goal on a 2-core machine:

  (a) libcst.parse_module alone over every file, one process (the baseline)
  (b) osiris-lint --no-cache, all rules, one process per core   goal: at least as fast as (a);
      on real code (--wheel: a package's modules copied until there are --files),
      where most files hold no driver, at most 0.3x (a)
  (c) the same with --jobs 1                                     (for comparison)
  (d) a second run over unchanged files, from the cache          goal: under 10% of (b)
  (e) one file, whole process, as a pre-commit hook runs it      goal: under 0.4 s
      (after a first run, so with the bytecode caches an installed hook has)
  (f) python -c "import libcst, typer": the imports (e) needs, compiling LibCST's
      dataclass methods as plain Python does                    (for comparison)
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OSIRIS_LINT = [sys.executable, "-m", "osiris_driver_kit.linter"]
PARSE_ONLY = """
import pathlib, sys, time
import libcst
files = sorted(pathlib.Path(sys.argv[1]).rglob("*.py"))
start = time.perf_counter()
for path in files:
    libcst.parse_module(path.read_text(encoding="utf-8"))
print(time.perf_counter() - start)
"""


def load_corpus_generator():
    spec = importlib.util.spec_from_file_location("lint_corpus", HERE / "lint_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


# As an installed hook runs: with Python's bytecode caches (.pyc, and the linter's
# kept dataclass methods) on, even where this shell sets PYTHONDONTWRITEBYTECODE.
ENVIRONMENT = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
               "NO_COLOR": "1"}


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=ENVIRONMENT)
    return time.perf_counter() - start


def median(runs: int, measure) -> float:
    return statistics.median(measure() for _ in range(runs))


def measure(corpus: Path, repeat: int) -> dict[str, float]:
    files = sorted(corpus.rglob("*.py"))
    lint = [*OSIRIS_LINT, "--output-format", "concise", "--quiet"]
    cache = corpus / ".osiris_lint_cache"

    def parse_only() -> float:
        done = subprocess.run([sys.executable, "-c", PARSE_ONLY, str(corpus)],
                              capture_output=True, text=True, check=True)
        return float(done.stdout)

    def cached() -> float:
        subprocess.run(["rm", "-rf", str(cache)], check=True)
        timed([*lint, "."], corpus)  # fills the cache
        return timed([*lint, "."], corpus)

    one_file = str(files[len(files) // 2].relative_to(corpus))
    timed([*lint, "--no-cache", one_file], corpus)  # writes the bytecode caches, as a first run
    return {
        "a": median(repeat, parse_only),
        "b": median(repeat, lambda: timed([*lint, "--no-cache", "."], corpus)),
        "c": median(repeat, lambda: timed([*lint, "--no-cache", "--jobs", "1", "."], corpus)),
        "d": median(repeat, cached),
        "e": median(max(repeat, 5), lambda: timed([*lint, "--no-cache", one_file], corpus)),
        "f": median(max(repeat, 5), lambda: timed(
            [sys.executable, "-c", "import libcst, typer"], corpus)),
        "files": len(files),
    }


def wheel_corpus(package: str, corpus: Path, files: int) -> None:
    """``package``'s wheel from the package index, its modules copied into ``corpus``
    (copy_0/, copy_1/, ...) until there are ``files``."""
    download = corpus.parent / f"{corpus.name}-wheel"
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                    "--dest", str(download), package], check=True)
    wheel = next(download.glob("*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        modules = [(name, archive.read(name)) for name in archive.namelist()
                   if name.endswith(".py")]
    for index in range(files):
        name, data = modules[index % len(modules)]
        target = corpus / f"copy_{index // len(modules)}" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def table(results: dict[str, float], real_code: bool) -> str:
    files, a, b = results["files"], results["a"], results["b"]
    goal, met = ("<= 0.3x (a)", b <= 0.3 * a) if real_code else ("<= (a)", b <= a)
    rows = [
        ("(a) libcst.parse_module alone, 1 process", a, files, "baseline", True),
        ("(b) osiris-lint --no-cache, all rules", b, files, goal, met),
        ("(c) osiris-lint --no-cache --jobs 1", results["c"], files, "", None),
        ("(d) osiris-lint, second run (cached)", results["d"], files, "< 10% of (b)",
         results["d"] < 0.1 * b),
        ("(e) osiris-lint one_file.py, whole process", results["e"], 1, "< 0.4 s",
         results["e"] < 0.4),
        ("(f) python -c 'import libcst, typer'", results["f"], 1, "", None),
    ]
    lines = ["| case | seconds | files/s | vs (a) | goal | met |", "|---|---:|---:|---:|---|---|"]
    for label, seconds, count, goal, met in rows:
        verdict = "" if met is None else ("yes" if met else "**no**")
        lines.append(f"| {label} | {seconds:.2f} | {count / seconds:.0f} | {seconds / a:.2f}x "
                     f"| {goal} | {verdict} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--violating", type=float, default=0.5,
                        help="share of generated drivers with typical violations")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpus", type=Path, help="lint this folder instead of a generated one")
    parser.add_argument("--wheel", help="lint this package's modules from the package index, "
                                        "copied until there are --files (real code)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lint-bench-") as folder:
        corpus = args.corpus or Path(folder) / "corpus"
        if args.wheel:
            wheel_corpus(args.wheel, corpus, args.files)
        elif args.corpus is None:
            load_corpus_generator().generate(corpus, args.files, args.seed, args.violating)
        results = measure(corpus.resolve(), args.repeat)
    corpus_kind = f"--corpus {args.corpus}" if args.corpus else f"--wheel {args.wheel}" \
        if args.wheel else f"generated, {args.violating:.0%} of the drivers with violations"
    print(f"{results['files']} files ({corpus_kind}), {os.cpu_count()} cores, Python "
          f"{sys.version.split()[0]}, median of {args.repeat} runs\n")
    print(table(results, real_code=bool(args.wheel)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
