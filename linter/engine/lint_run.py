"""A whole lint run: read each file once, take its result from the cache or lint
it (in parallel when there are enough files to pay for the processes), run the
project pass, apply suppressions, and, with ``--fix``/``--diff``, the fixes."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import libcst as cst

from ..analysis.drivers import may_register
from . import deep, fixer, source, suppressions
from .facts import FileResult
from .files import relative_to
from .findings import Finding, Fix
from .lint_file import RULE_ERROR, UNREADABLE, Engine, anchor_nodes, anchors_of
from .positions import Positions
from .project import Project, ProjectReport
from .rule import ProjectRule, Rule
from .settings import Settings
from .spec_drivers import keys_by_file, spec_drivers

if TYPE_CHECKING:
    from .cache import Cache

MIN_FILES_PER_PROCESS = 8  # below this, starting processes costs more than it saves
GC_THRESHOLD = 10_000  # allocations between collections of the youngest generation (default 700)
MAX_FIX_ROUNDS = 10


@dataclass
class Job:
    """One file to lint: its bytes are read once, here."""

    path: Path
    display: str  # as shown in findings: relative to the working directory
    relative: str  # relative to the configuration's root, for per-file-ignores
    data: bytes | None = None
    read_error: str | None = None
    external_keys: dict[str, list[str]] | None = None


@dataclass
class Outcome:
    findings: list[Finding]
    files: int
    fixes_applied: int = 0
    diffs: list[str] = field(default_factory=list)
    unwritable: list[str] = field(default_factory=list)  # fixed files that could not be written

    @property
    def rule_errors(self) -> bool:
        return any(f.code == "OSD903" for f in self.findings)


class Linter:
    def __init__(self, rules: list[type[Rule]], settings: Settings, jobs: int = 1,
                 cache: Cache | None = None, fix: str | None = None, cwd: Path | None = None):
        self.rule_classes = rules
        self.rules = [rule() for rule in rules]
        self.file_rules = [r for r in self.rules if not isinstance(r, ProjectRule)
                           and not r.reported_by_engine]
        self.project_rules = [r for r in self.rules if isinstance(r, ProjectRule)]
        self.settings = settings
        self.jobs = max(1, jobs)
        self.cache = cache
        self.fix = fix  # None, "fix" (write) or "diff" (print)
        self.cwd = cwd or Path.cwd()
        self.engine = Engine(self.file_rules, settings)
        self.project_crashes: list[Finding] = []
        self.context: list[Job] = []
        self.spec_drivers = spec_drivers(settings, self.cwd)
        self._spec_keys = keys_by_file(self.spec_drivers)

    def run(self, files: list[Path], context: list[Path] = ()) -> Outcome:
        """Lint ``files``. ``context``: the project's other files, whose registrations
        the project rules see too when ``files`` hold a driver or a registration (a hook
        given the changed files then reports for them what a run over the whole project
        reports); read through the cache, their own findings are not reported."""
        return deep.call(self._run, files, context)

    def _run(self, files: list[Path], context: list[Path]) -> Outcome:
        self.context = [job for job in map(self._read, context)
                        if job.data is not None and may_register(job.data)]
        jobs = [self._read(path) for path in files]
        outcome = self._lint(jobs)
        applied, unwritable = outcome.fixes_applied, list(outcome.unwritable)
        # Fixes move lines and may change what other files see, and project fixes that
        # touched the same nodes wait a round: lint again until a round fixes nothing.
        # That round's findings are those of the fixed files.
        for _ in range(MAX_FIX_ROUNDS - 1):
            if self.fix != "fix" or not outcome.fixes_applied:
                break
            outcome = self._lint([self._read(path) for path in files])
            applied += outcome.fixes_applied
            unwritable += [u for u in outcome.unwritable if u not in unwritable]
        return replace(outcome, fixes_applied=applied, unwritable=unwritable)

    def _read(self, path: Path) -> Job:
        display = relative_to(path, self.cwd)
        relative = relative_to(path, self.settings.root)
        try:
            return Job(path, display, relative, data=source.read(path),
                       external_keys=self._spec_keys.get(display))
        except OSError as error:
            return Job(path, display, relative, read_error=error.strerror or str(error))

    def _lint(self, jobs: list[Job]) -> Outcome:
        results: dict[str, FileResult] = {}
        fixed: dict[str, str] = {}  # display path -> text after fixes
        fixes: Counter[str] = Counter()  # display path -> fixes in its text
        for job, linted, fixed_text, applied in self._lint_files(jobs):
            results[job.display] = linted
            if fixed_text is not None:
                fixed[job.display] = fixed_text
                fixes[job.display] += applied
        by_display = {job.display: job for job in jobs}
        reports = self._project_pass(by_display, results)
        linted = {job.display for job in jobs}
        for display in [d for d in results if d not in linted]:
            del results[display], by_display[display]  # context: seen, not reported
        texts = {d: fixed.get(d) or _text(by_display[d].data or b"") for d, result
                 in results.items() if result.facts is not None}  # the files that parsed
        located = self._locate(reports, results, texts, by_display)
        findings = self._finalize(by_display, results, located) + self.project_crashes
        if self.fix:
            fixes += self._fix_project(findings, reports, texts, fixed)
        diffs, unwritable = [], []
        for display, text in sorted(fixed.items()):
            try:
                diffs.append(self._emit_fix(by_display[display], text))
            except OSError as error:  # the others are still fixed
                unwritable.append(f"{display}: cannot write the fixes "
                                  f"({error.strerror or error}); nothing in it was changed")
                del fixes[display]
        return Outcome(sorted(findings, key=Finding.sort_key), len(jobs), fixes.total(),
                       [d for d in diffs if d], unwritable)

    # -- per-file results ------------------------------------------------------------
    def _lint_files(self, jobs: list[Job]):
        pending = []
        for job in jobs:
            if job.read_error is not None:
                yield job, _unreadable(job), None, 0
                continue
            cached = self._cached(job)
            if cached is not None:
                yield job, cached, None, 0
            else:
                pending.append(job)
        for job, (result, fixed_text, applied) in zip(pending, self._map(pending), strict=True):
            if self.cache is not None and fixed_text is None:
                self.cache.put(self._key(job), result)
            yield job, result, fixed_text, applied

    def _cached(self, job: Job) -> FileResult | None:
        if self.cache is None:
            return None
        result = self.cache.get(self._key(job))
        if result is None or (self.fix and any(f.fixable for f in result.findings)):
            return None
        return result

    def _key(self, job: Job) -> str:
        return self.cache.key(job.relative, job.data or b"", job.external_keys)

    def _map(self, pending: list[Job]):
        work = [(job, self.settings.codes_for(job.relative)) for job in pending]
        if self.jobs > 1 and len(pending) >= 2 * MIN_FILES_PER_PROCESS:
            processes = min(self.jobs, len(pending) // MIN_FILES_PER_PROCESS)
            yield from self._in_processes(work, processes)
        else:
            for job, enabled in work:
                yield lint_file(self.engine, job, enabled, self.fix)

    def _in_processes(self, work: list[tuple[Job, frozenset[str]]], processes: int):
        """Results in the order of ``work``. A worker that dies (a segfault in the parser,
        the out-of-memory killer) breaks the pool: what finished stands, and the rest is
        linted again in fresh pools, halving the group each time it breaks again, until
        the file that kills its worker is alone; it is reported, the others are linted."""
        from concurrent.futures.process import BrokenProcessPool

        with self._pool(processes) as pool:
            done = 0
            try:
                for result in pool.map(_lint_in_worker, work,
                                       chunksize=max(1, len(work) // (processes * 8))):
                    done += 1
                    yield result
                return
            except BrokenProcessPool:
                pass
        results: dict[int, tuple] = {}
        groups = [list(range(done, len(work)))]
        while groups:
            group = groups.pop()
            with self._pool(min(processes, len(group))) as pool:
                futures = {index: pool.submit(_lint_in_worker, work[index]) for index in group}
                unfinished = []
                for index, future in futures.items():
                    try:
                        results[index] = future.result()
                    except BrokenProcessPool:
                        unfinished.append(index)
            if len(unfinished) == 1:
                results[unfinished[0]] = (_crashed(work[unfinished[0]][0], "its process died"),
                                          None, 0)
            elif unfinished:
                middle = len(unfinished) // 2
                groups += [unfinished[middle:], unfinished[:middle]]
        yield from (results[index] for index in range(done, len(work)))

    def _pool(self, processes: int):
        import multiprocessing  # only runs big enough to pay for processes need these
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork") \
            if "fork" in multiprocessing.get_all_start_methods() else None
        return ProcessPoolExecutor(processes, mp_context=context, initializer=_start_worker,
                                   initargs=(self.file_rules, self.settings, self.fix))

    def _emit_fix(self, job: Job, fixed_text: str) -> str | None:
        """Write the fixed file, or return its diff with ``--diff``."""
        if self.fix == "diff":
            return fixer.unified_diff(job.display, _text(job.data or b""), fixed_text)
        job.path.write_bytes(source.encode(fixed_text, job.data or b""))
        return None

    # -- project pass ----------------------------------------------------------------
    def _project_pass(self, by_display: dict[str, Job],
                      results: dict[str, FileResult]) -> list[ProjectReport]:
        linted = set(by_display)
        for job, result, _, _ in self._lint_files(_naming(self.context, results.values())):
            by_display[job.display], results[job.display] = job, result
        modules = _ModuleNames()
        for display, result in results.items():
            if result.facts is not None:
                result.facts.module = modules.of(by_display[display].path)
        project = Project([r.facts for r in results.values() if r.facts is not None],
                          self.settings, self.spec_drivers, self.cwd)
        for facts in list(project.files):
            external = project.needs_relint(facts)
            if external is not None:
                job = by_display[facts.path] = replace(by_display[facts.path],
                                                       external_keys=external)
                _, result, _, _ = next(self._lint_files([job]))
                result.facts.module = facts.module
                results[facts.path] = result
        project = Project([r.facts for r in results.values() if r.facts is not None],
                          self.settings, self.spec_drivers, self.cwd)
        enabled = {display: self.settings.codes_for(job.relative)
                   for display, job in by_display.items()}
        enabled.update((d.display, self.settings.codes_for(d.relative)) for d in self.spec_drivers)
        reports: list[ProjectReport] = []
        for rule in self.project_rules:
            if rule.code not in self.settings.enabled:
                continue
            try:
                found = rule.check_project(project)
            except Exception as error:  # noqa: BLE001 - a rule's bug must not stop the run
                self.project_crashes.append(_project_crash(rule, error))
                continue
            reports += [r for r in found if rule.code in enabled[r.path]
                        and (r.path in linted or r.line is not None)]
        return reports

    def _fix_project(self, findings: list[Finding], reports: list[ProjectReport],
                     texts: dict[str, str], fixed: dict[str, str]) -> Counter[str]:
        """Apply the fixes of project findings that no suppression silenced."""
        unsuppressed = {(f.path, f.code, f.line) for f in findings if f.fixable}
        applied: Counter[str] = Counter()
        for display in sorted({r.path for r in reports if r.fix_key is not None}):
            module = cst.parse_module(texts[display])
            mine = [r for r in reports if r.path == display]
            anchors = anchor_nodes(module, [r.statement for r in mine])
            positions = Positions(module, anchors.values())
            fixes = [r.rule.fix(module, r) for r in mine
                     if (display, r.rule.code,
                         positions.of(anchors[r.statement]).start.line) in unsuppressed]
            fixed_text, taken = fixer.apply(module, [f for f in fixes if f])
            if fixed_text is not None:
                fixed[display] = fixed_text
                applied[display] += taken
        return applied

    # -- suppressions and positions of project findings -------------------------------
    def _locate(self, reports: list[ProjectReport], results: dict[str, FileResult],
                texts: dict[str, str], by_display: dict[str, Job]) -> dict[str, list[Finding]]:
        """Positions of project findings. A file is parsed again only the first time one
        of its statements needs a position (healthy projects have none); the position is
        then kept with the file's cached result."""
        located: dict[str, list[Finding]] = {}
        for report in (r for r in reports if r.line is not None):  # a component spec's line
            located.setdefault(report.path, []).append(Finding(
                report.rule.code, report.rule.name, report.path, report.line, 1, report.line, 1,
                report.message))
        for display in sorted({r.path for r in reports if r.line is None}):
            facts = results[display].facts
            mine = [r for r in reports if r.path == display and r.line is None]
            missing = [r for r in mine if str(r.statement) not in facts.anchors]
            if missing:
                module = cst.parse_module(texts[display])
                nodes = anchor_nodes(module, [r.statement for r in missing])
                facts.anchors = {**facts.anchors,
                                 **anchors_of(nodes, Positions(module, nodes.values()))}
                if self.cache is not None and not self.fix:
                    self.cache.put(self._key(by_display[display]), results[display])
            for report in mine:
                line, column, end_line, end_column = facts.anchors[str(report.statement)]
                fixable = report.rule.fixable and report.fix_key is not None
                located.setdefault(display, []).append(Finding(
                    report.rule.code, report.rule.name, display, line, column, end_line,
                    end_column, report.message, fixable=fixable,
                    fix_title="Register the driver after its class" if fixable else None))
        return located

    def _finalize(self, by_display: dict[str, Job], results: dict[str, FileResult],
                  located: dict[str, list[Finding]]) -> list[Finding]:
        findings: list[Finding] = []
        for display, result in results.items():
            job = by_display[display]
            enabled = self.settings.codes_for(job.relative)
            own = [f for f in result.findings + located.get(display, []) if f.code in enabled
                   or f.code == "OSD903"]
            marks = [suppressions.Suppression.from_dict(s.to_dict()) for s in result.suppressions]
            findings += suppressions.apply(own, marks)
            if self.settings.report_unused_suppressions and "OSD902" in enabled:
                findings += [_unused(display, s, code) for s, code in suppressions.unused(marks)]
        # Findings in files that are not linted (component specs): no suppression comments.
        return findings + [f for display, found in located.items() if display not in results
                           for f in found]


class _ModuleNames:
    """Dotted import names of files, from the ``__init__.py`` files above them."""

    def __init__(self) -> None:
        self._packages: dict[Path, str | None] = {}

    def of(self, path: Path) -> str:
        package = self._package(path.parent)
        stem = path.stem
        if stem == "__init__":
            return package or ""
        return f"{package}.{stem}" if package else stem

    def _package(self, folder: Path) -> str | None:
        if folder not in self._packages:
            if (folder / "__init__.py").exists():
                parent = self._package(folder.parent)
                self._packages[folder] = f"{parent}.{folder.name}" if parent else folder.name
            else:
                self._packages[folder] = None
        return self._packages[folder]


def _naming(context: list[Job], linted: Iterable[FileResult]) -> list[Job]:
    """The context files that name a driver class or a registration key of the linted
    files: only those can register one of their drivers (OSD003) or take one of their
    keys (OSD005). A look at the bytes, so a hook linting one file reads the others
    without parsing them."""
    names = {name.encode() for result in linted if result.facts is not None
             for name in (*(c.name for c in result.facts.classes),
                          *(r.key for r in result.facts.registrations if r.key))}
    return [job for job in context if any(name in job.data for name in names)]


def lint_file(engine: Engine, job: Job, enabled: frozenset[str], fix: str | None):
    """(result, fixed text or None, fixes applied) for one file. Whatever goes wrong
    costs this file only: it is reported (OSD903) and the run goes on."""
    try:
        return _lint_file(engine, job, enabled, fix)
    except (Exception, RecursionError, MemoryError) as error:  # noqa: BLE001 - see above
        return _crashed(job, f"{type(error).__name__}: {error}"), None, 0


def _lint_file(engine: Engine, job: Job, enabled: frozenset[str], fix: str | None):
    linted = engine.lint(job.display, job.data or b"", enabled, job.external_keys)
    if not fix:
        return linted.result, None, 0
    wanted = _unsuppressed_fixes(linted)
    before = len(wanted)
    text = None
    for _ in range(MAX_FIX_ROUNDS):
        code = fixer.apply(linted.module, wanted)[0] if wanted else None
        if code is None:
            break
        text = code
        linted = engine.lint(job.display, source.encode(code, job.data or b""), enabled, job.external_keys)
        wanted = _unsuppressed_fixes(linted)
    if text is None:
        return linted.result, None, 0
    return linted.result, text, before - len(wanted)


def _unsuppressed_fixes(linted) -> list[Fix]:
    """Fixes of the findings that no suppression comment silences (ruff does not fix those)."""
    marks = [suppressions.Suppression.from_dict(s.to_dict()) for s in linted.result.suppressions]
    kept = {id(f) for f in suppressions.apply([f for f, _ in linted.fixes or []], marks)}
    return [fix for finding, fix in linted.fixes or [] if id(finding) in kept]


def collect_less() -> None:
    """For a process that lints and then exits. A parsed tree is thousands of objects
    that live until its file is done and are then freed by reference counting; at the
    default threshold the cyclic collector scans each tree several times (~5% of the
    time). What is alive now (modules, rules) is left out of every later collection."""
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD)


_worker: tuple[Engine, str | None] | None = None


def _start_worker(rules: list[Rule], settings: Settings, fix: str | None) -> None:
    global _worker
    collect_less()
    _worker = (Engine(rules, settings), fix)


def _lint_in_worker(work: tuple[Job, frozenset[str]]):
    engine, fix = _worker
    job, enabled = work
    return deep.call(lint_file, engine, job, enabled, fix)


def _unreadable(job: Job) -> FileResult:
    code, name = UNREADABLE
    return FileResult(job.display, [Finding(code, name, job.display, 1, 1, 1, 1,
                                            f"cannot read the file ({job.read_error}); "
                                            f"check that it exists and is readable")])


def _crashed(job: Job, error: str) -> FileResult:
    code, name = RULE_ERROR
    return FileResult(job.display, [Finding(code, name, job.display, 1, 1, 1, 1,
                                            f"osiris-lint crashed on this file ({error}); no "
                                            f"rule checked it, please report this with the file")])


def _project_crash(rule: Rule, error: Exception) -> Finding:
    return Finding("OSD903", "rule-error", ".", 1, 1, 1, 1,
                   f"project rule {rule.code} crashed ({type(error).__name__}: {error}); its "
                   f"findings are missing, please report this")


def _unused(display: str, mark: suppressions.Suppression, code: str) -> Finding:
    return Finding("OSD902", "unused-suppression", display, mark.line, mark.column, mark.line,
                   mark.column, f"the suppression of {code} suppresses nothing; remove it")


def _text(data: bytes) -> str:
    return data.decode(source.encoding(data))

