"""The project pass: what no single file can tell. Which module a registration
points into (through imports, relative or absolute), which classes are drivers
because another file registers them, and the cross-file rules' findings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..analysis import categories
from .facts import ClassFacts, FileFacts, RegistrationFacts
from .files import relative_to
from .rule import Rule
from .settings import Settings
from .spec_drivers import SpecDriver, keys_by_file, module_of


@dataclass(frozen=True)
class ProjectReport:
    """A project finding, located by the index of its top-level statement (or, in a file
    that is not Python, such as a component spec, by its line)."""

    rule: Rule
    path: str
    statement: int
    message: str
    fix_key: str | None = None  # OSD003: the key a registration fix would use
    line: int | None = None


class Project:
    def __init__(self, files: list[FileFacts], settings: Settings,
                 spec_drivers: list[SpecDriver], cwd: Path) -> None:
        self.files = files
        self.settings = settings
        self.spec_drivers = spec_drivers
        self.cwd = cwd
        self.spec_keys = keys_by_file(self.spec_drivers)
        self._by_target: dict[tuple[str, str], list] = {}
        for facts, reg in self.registrations():
            target = self.target(facts, reg)
            if target is not None:
                self._by_target.setdefault(target, []).append((facts, reg))

    def registrations(self):
        for facts in self.files:
            for reg in facts.registrations:
                yield facts, reg

    def target(self, facts: FileFacts, reg: RegistrationFacts) -> tuple[str, str] | None:
        """(module, class) that a registration in ``facts`` registers."""
        if not reg.target_name:
            return None
        head, _, rest = reg.target_name.partition(".")
        imported = facts.imports.get(head)
        if imported is None:
            return (facts.module, head) if not rest else None
        full = absolute(imported, facts) + (f".{rest}" if rest else "")
        module, _, name = full.rpartition(".")
        return module, name

    def spec_module(self, facts: FileFacts) -> str:
        """The dotted path a component spec names ``facts``' module by (from the root)."""
        return module_of(relative_to(self.cwd / facts.path, self.settings.root))

    def registrations_of(self, facts: FileFacts, cls: ClassFacts) -> list:
        """(file, registration) pairs that register this class, anywhere."""
        return self._by_target.get((facts.module, cls.name), [])

    def external_keys(self, facts: FileFacts) -> dict[str, list[str]]:
        """Keys under which classes of ``facts`` are registered outside its own
        import-time statements (component specs, other files, functions, ``if`` blocks);
        "" for a key that is not a literal."""
        keys = {name: list(named) for name, named in self.spec_keys.get(facts.path, {}).items()}
        for cls in facts.classes:
            for other, reg in self.registrations_of(facts, cls):
                if other is not facts or not reg.at_import:
                    keys.setdefault(cls.name, []).append(reg.key or "")
        return keys

    def needs_relint(self, facts: FileFacts) -> dict[str, list[str]] | None:
        """The external keys, when they change which classes of the file are drivers or
        their categories, or name another category than the class has (OSD002 reports
        that at the class); the file was linted knowing only its own registrations."""
        external = self.external_keys(facts)
        if external == self.spec_keys.get(facts.path, {}):
            return None  # the file was linted knowing them
        own = {}
        for reg in facts.registrations:
            if reg.at_import and reg.target_name:
                own.setdefault(reg.target_name, []).append(reg.key or "")
        for cls in facts.classes:
            keys = own.get(cls.name, []) + external.get(cls.name, [])
            naming = self.settings.naming
            driver = categories.is_driver(facts.path, cls.name, bool(keys))
            category = naming.resolve(facts.path, cls.name, [k for k in keys if k])[0] \
                if driver else None
            if (driver, category) != (cls.driver, cls.category if cls.driver else None):
                return external
            said = {naming.from_key(k) for k in external.get(cls.name, [])} - {None}
            if driver and category and said - {category}:
                return external
        return None


def absolute(imported: str, facts: FileFacts) -> str:
    """``.base.X`` imported in ``pkg.mod`` is ``pkg.base.X``."""
    if not imported.startswith("."):
        return imported
    dots = len(imported) - len(imported.lstrip("."))
    package = package_of(facts).split(".") if package_of(facts) else []
    base = package[: len(package) - (dots - 1)] if dots > 1 else package
    return ".".join([*base, imported[dots:]]) if imported[dots:] else ".".join(base)


def package_of(facts: FileFacts) -> str:
    if PurePosixPath(facts.path).name == "__init__.py":
        return facts.module
    return facts.module.rpartition(".")[0]
