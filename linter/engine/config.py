"""``[tool.osiris-lint]`` in the nearest ``pyproject.toml`` above the linted paths
(or the file given with ``--config``). Unknown keys and codes are errors, never
silently ignored: a typo in a CI gate's configuration must not weaken the gate."""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ...contract.rules import ROW_METRICS
from ...contract.targets import Target, detect_target
from .pythons import RUNNING, Version, parse_version
from .settings import ConfigError, Settings, select_codes

TABLE = "osiris-lint"
OFF_BY_DEFAULT = ("OSD902",)  # on with --report-unused-suppressions
KEYS = ("select", "ignore", "extend-select", "per-file-ignores", "exclude", "metric-names",
        "target", "target-version")


@dataclass
class FileConfig:
    source: Path | None  # the pyproject.toml read, if any
    root: Path  # where relative globs start and the cache lives
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    metric_names: dict[str, str] = field(default_factory=lambda: dict(ROW_METRICS))
    target: str | None = None
    target_version: Version | None = None

    def settings(self, names: dict[str, str], cli: CommandLine) -> Settings:
        """The run's settings (``names``: each rule's code by its name). A rule's name
        (``no-print``) is accepted wherever its code is."""
        return self._with_codes_for_names(names)._settings(sorted(names.values()),
                                                            cli.with_codes_for_names(names))

    def _settings(self, codes: list[str], cli: CommandLine) -> Settings:
        """The command line overrides ``select`` and adds to ``ignore`` and
        ``extend-select``, as in ruff."""
        where = f"{self.source}: [tool.{TABLE}]" if self.source else "configuration"
        for setting, selectors in (("select", self.select or []), ("ignore", self.ignore),
                                   ("extend-select", self.extend_select),
                                   *((f"per-file-ignores {g!r}", c)
                                     for g, c in self.per_file_ignores.items())):
            _check_selectors(codes, selectors, f"{where} {setting}")
        for option, selectors in (("--select", cli.select), ("--ignore", cli.ignore),
                                  ("--extend-select", cli.extend_select)):
            _check_selectors(codes, selectors or [], option)
        defaults = [c for c in codes if c not in OFF_BY_DEFAULT]
        defaults += sorted(OFF_BY_DEFAULT) if cli.report_unused_suppressions else []
        enabled = select_codes(codes, cli.select if cli.select is not None else self.select,
                               self.ignore + (cli.ignore or []),
                               self.extend_select + (cli.extend_select or []), defaults)
        ignores = tuple((glob, select_codes(codes, selectors, [], [], []))
                        for glob, selectors in self.per_file_ignores.items())
        try:
            detection = detect_target(self.root, cli.target or self.target)
        except ValueError as error:  # only --target can still name an unknown one here
            raise ConfigError(f"--target: {error}") from None
        reason = "set by --target" if cli.target else (
            f"set in {self.source}" if self.target else detection.reason)
        try:
            python = parse_version(cli.target_version) if cli.target_version \
                else self.target_version or RUNNING
        except ValueError as error:
            raise ConfigError(f"--target-version: {error}") from None
        return Settings(self.root, enabled, ignores, tuple(self.exclude), self.metric_names,
                        cli.report_unused_suppressions, detection.target, reason, detection.specs,
                        python)


    def _with_codes_for_names(self, names: dict[str, str]) -> FileConfig:
        return replace(self, select=codes_for_names(self.select, names),
                       ignore=codes_for_names(self.ignore, names),
                       extend_select=codes_for_names(self.extend_select, names),
                       per_file_ignores={glob: codes_for_names(selectors, names)
                                         for glob, selectors in self.per_file_ignores.items()})


@dataclass(frozen=True)
class CommandLine:
    """What the command line says about the selection."""

    select: list[str] | None = None
    ignore: list[str] | None = None
    extend_select: list[str] | None = None
    report_unused_suppressions: bool = False
    target: str | None = None  # --target
    target_version: str | None = None  # --target-version

    def with_codes_for_names(self, names: dict[str, str]) -> CommandLine:
        return replace(self, select=codes_for_names(self.select, names),
                       ignore=codes_for_names(self.ignore, names),
                       extend_select=codes_for_names(self.extend_select, names))


def codes_for_names(selectors: list[str] | None, names: dict[str, str]) -> list[str] | None:
    """``no-print`` -> ``OSD020``; codes, prefixes and ``ALL`` stay as they are."""
    if selectors is None:
        return None
    return [names.get(selector.lower(), selector) for selector in selectors]


def _check_selectors(codes: list[str], selectors: list[str], where: str) -> None:
    for selector in selectors:
        if selector != "ALL" and not any(code.startswith(selector) for code in codes):
            close = difflib.get_close_matches(selector, codes, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"{where}: unknown rule code, prefix or name {selector!r}{hint}; "
                              f"`osiris-lint --list-rules` lists them")


def load(paths: list[Path], explicit: Path | None, cwd: Path) -> FileConfig:
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: no such configuration file (--config)")
        return _read(explicit, required=False)
    for folder in _search_start(paths, cwd):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            config = _read(candidate, required=True)
            if config is not None:
                return config
    return FileConfig(None, cwd)


def _search_start(paths: list[Path], cwd: Path) -> list[Path]:
    """The linted paths' common folder, then each folder above it."""
    resolved = [_resolved(p) for p in paths] or [cwd.resolve()]
    folders = [p if p.is_dir() else p.parent for p in resolved]
    common = Path(*_common_parts([f.parts for f in folders]))
    return [common, *common.parents]


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except RuntimeError:  # a symlink loop: the search starts where it is, discover() reports it
        return path.absolute()


def _common_parts(parts: list[tuple[str, ...]]) -> tuple[str, ...]:
    common: list[str] = []
    for group in zip(*parts, strict=False):
        if len(set(group)) != 1:
            break
        common.append(group[0])
    return tuple(common) or ("/",)


def _toml():
    """The TOML parser, imported only when there is a file to read."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib


def _read(path: Path, required: bool) -> FileConfig | None:
    tomllib = _toml()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read it as TOML ({error})") from error
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: `tool` must be a table, not {type(tool).__name__}")
    table = tool.get(TABLE)
    if table is None:
        return None if required else FileConfig(path, path.parent)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{TABLE}] must be a table")
    config = FileConfig(path, path.parent)
    for key, value in table.items():
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"{path}: unknown key {key!r} in [tool.{TABLE}]{hint}; "
                              f"known keys: {', '.join(KEYS)}")
        setattr(config, key.replace("-", "_"), _checked(path, key, value))
    return config


def _checked(path: Path, key: str, value: Any) -> Any:
    where = f"{path}: [tool.{TABLE}] {key}"
    if key == "target":
        try:
            return Target.parse(value if isinstance(value, str) else repr(value)).value
        except ValueError as error:
            raise ConfigError(f"{where}: {error}") from None
    if key == "target-version":
        try:
            return parse_version(value if isinstance(value, str) else repr(value))
        except ValueError as error:
            raise ConfigError(f"{where}: {error}") from None
    if key in ("select", "ignore", "extend-select", "exclude"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} must be a list of strings, e.g. {key} = [\"OSD0\"]")
        return value
    if key == "per-file-ignores":
        if not isinstance(value, dict) or not all(
                isinstance(v, list) and all(isinstance(c, str) for c in v) for v in value.values()):
            raise ConfigError(f"{where} must map globs to lists of codes, e.g. "
                              f"\"tests/*\" = [\"OSD020\"]")
        return value
    if not isinstance(value, dict) or not all(isinstance(v, str) and v for v in value.values()):
        raise ConfigError(f"{where} must map categories to metric names, e.g. "
                          f"extractor = \"rows_read\"")
    unknown = set(value) - set(ROW_METRICS)
    if unknown:
        raise ConfigError(f"{where}: unknown category {sorted(unknown)[0]!r}; "
                          f"categories: {', '.join(ROW_METRICS)}")
    return {**ROW_METRICS, **value}
