"""Turn a generation request into rendered files (nothing touches the disk here).

Every generated file comes from a Jinja template in ``osiris_driver_kit.templates`` (but
the copies of contract modules, COPIED_CONTRACT); this module
only chooses the templates and hands them the catalogue's data. ``OSIRIS_GEN_TEMPLATES``
names another folder of the same layout instead: the tests of ``osiris-gen update`` render
with a changed copy, as a new kit release would.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import types
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import jinja2

from ..contract import secrets as contract_secrets
from ..contract import sql as contract_sql
from ..contract.rules import ROW_METRICS
from ..contract.targets import FACTS, Target, input_key
from .catalogue import (
    REPLACING_MODES,
    SPEC_MODES,
    WRITE_MODE,
    Backend,
    Setting,
    known_backend,
    skeleton,
)
from .filewriter import Policy, RenderedFile
from .imports import from_import, import_section
from .naming import DriverNames

SUPPORT_MODULE = "driver_safety"
# Contract modules copied as they are beside it (stdlib only), by the name the drivers
# import them by: the runtime guard and mask_secrets run the code osiris-lint judges with.
COPIED_CONTRACT = {"read_only_sql": contract_sql, "secret_names": contract_secrets}
# The scenarios of `osiris-run check` (runtime/check/project_check.py reads the same name).
CHECK_FILE = "check.yaml"
# The metrics the public spec schema lets loggingPolicy.metricsToCapture name.
SPEC_METRICS = ("rows_read", "rows_written")
# Marks each place a skeleton leaves for the user to fill in.
TODO_MARK = "TODO(osiris-gen)"
# The upstream step whose DataFrame the generated osiris-pipeline tests pass: its
# hyphen shows the sanitised key, inputs["df_read_orders"].
UPSTREAM_STEP = "read-orders"
# A folder of templates to render instead of the kit's own (tests of osiris-gen update).
TEMPLATES_ENV = "OSIRIS_GEN_TEMPLATES"


@dataclass(frozen=True)
class Request:
    category: str
    backend: str  # canonical backend name, aliases already resolved
    family: str  # registry family; the backend name unless --family says otherwise
    drivers_dir: Path
    tests_dir: Path | None  # None: --no-tests
    components_dir: Path | None  # None: --no-spec
    target: Target = Target.CONTRACT

    @property
    def names(self) -> DriverNames:
        return DriverNames(self.family, self.category, self.target)


@dataclass(frozen=True)
class Rendering:
    files: list[RenderedFile]
    backend: Backend  # backend.complete is False when a skeleton was rendered

    @property
    def driver_file(self) -> Path:
        return next(f.path for f in self.files if f.path.name.endswith("_driver.py"))


def render(request: Request) -> Rendering:
    backend = known_backend(request.backend, request.category)
    backend = backend or skeleton(request.backend, request.category)
    names = request.names
    drivers = request.drivers_dir
    package = _package(drivers)
    context = {
        "names": names,
        "backend": backend,
        "backend_name": request.backend,
        "backend_title": backend.title,
        "todo": TODO_MARK,
        **_target_facts(request.target),
        "package": package,
        "driver_path": f"{package}.{names.module}.{names.class_name}",
    }
    variant = backend.name if backend.complete else "generic"
    template = f"drivers/{request.category}/{variant}.py.j2"
    rendered = [
        RenderedFile(drivers / "__init__.py", render_template("drivers/package_init.py.j2", context),
                     Policy.CREATE_ONLY),
        RenderedFile(drivers / f"{SUPPORT_MODULE}.py",
                     render_template("support/driver_safety.py.j2", context)),
        *(RenderedFile(drivers / f"{name}.py", contract_copy(module))
          for name, module in COPIED_CONTRACT.items()),
        RenderedFile(drivers / f"{names.module}.py", render_template(template, context)),
    ]
    spec = request.components_dir / names.key / "spec.yaml" if request.components_dir else None
    if request.tests_dir is not None:
        tests = request.tests_dir
        test_context = {
            **context,
            "drivers_from_tests": _relative(drivers, tests),
            # The folder x-runtime.driver's package is imported from: above the package.
            "import_root_from_tests": _relative(
                drivers.resolve().parents[package.count(".")], tests),
            "spec_from_tests": _relative(spec, tests) if spec else None,
        }
        test_template = (
            "tests/sql_database.py.j2" if backend.test_fixture
            else f"tests/{request.category}/{variant}.py.j2"
        )
        rendered.append(RenderedFile(tests / f"{names.test_module}.py",
                                     render_template(test_template, test_context)))
    if spec is not None:
        spec_context = {**context, **_spec_facts(backend, request.category, request.target)}
        rendered.append(RenderedFile(spec, render_template("spec/spec.yaml.j2", spec_context)))
    if backend.check_scenario:
        rendered.append(RenderedFile(
            check_file(drivers), render_template(f"check/{backend.name}.yaml.j2", context),
            Policy.ENTRY, key=names.key,
            preamble=render_template("check/check.yaml.j2", context)))
    return Rendering(rendered, backend)


def contract_copy(module: types.ModuleType) -> str:
    """A contract module's source as the drivers' package holds it."""
    header = (f"# Copied by osiris-gen from {module.__name__},\n"
              "# the code osiris-lint judges with. osiris-gen rewrites this file.\n")
    return header + Path(module.__file__).read_text(encoding="utf-8")


def check_file(drivers: Path) -> Path:
    """Where ``osiris-run check drivers/`` run from here finds its scenarios: the drivers
    folder's check.yaml, else the current folder's; a new one goes beside the drivers."""
    beside, here = drivers / CHECK_FILE, Path(CHECK_FILE)
    if not beside.is_file() and here.is_file() and drivers.resolve().is_relative_to(Path.cwd()):
        return here
    return beside


def _target_facts(target: Target) -> dict:
    """What the templates say differently for ``target``: whether drivers register at
    import, the ctx they get, the input key of the upstream DataFrame, the write modes."""
    facts = FACTS[target]
    replace_mode, replace_alias = _replacing_mode(target)
    return {
        "facts": facts,
        "pipeline": target is Target.OSIRIS_PIPELINE,
        # The generated tests pass the upstream DataFrame under inputs[<frame_key>].
        "frame_key": "DF" if facts.frames_by_step else '"df"',
        "upstream_step": UPSTREAM_STEP,
        "upstream_key": input_key(UPSTREAM_STEP),
        "frame_doc": 'inputs["df_<step id>"]' if facts.frames_by_step else 'inputs["df"]',
        "replace_mode": replace_mode,
        "replace_alias": replace_alias,
    }


def _replacing_mode(target: Target) -> tuple[str, str]:
    """The write mode that replaces the rows, as ``target`` names it, and its alias."""
    mode = next(mode for mode in FACTS[target].write_modes if mode in REPLACING_MODES)
    return mode, next(alias for alias in REPLACING_MODES if alias != mode)


def _spec_facts(backend: Backend, category: str, target: Target) -> dict:
    """What the component spec says about the configuration: every setting, the ones a
    step must give, the secrets and the fields a connection reference provides."""
    connection, step = backend.settings, backend.step_settings[category]
    metric = ROW_METRICS[category]
    return {
        "mode": SPEC_MODES[category],
        "settings": tuple(_described(s, target) for s in (*connection, *step)),
        "required": [s.name for s in step if s.required],
        "secrets": [f"/{s.name}" for s in connection if s.secret],
        "connection_fields": [s.name for s in connection],
        "metrics": [metric] if metric in SPEC_METRICS else [],
    }


def _described(setting: Setting, target: Target) -> Setting:
    """``write_mode`` names the target's own mode first and the other as its alias."""
    if setting.name != WRITE_MODE.name:
        return setting
    mode, alias = _replacing_mode(target)
    return dataclasses.replace(
        setting, description=setting.description.format(mode=mode, alias=alias))


def render_template(template: str, context: dict) -> str:
    """One template of osiris_driver_kit.templates, rendered with ``context``; what
    differs by target is the contract's unless ``context`` says otherwise."""
    return _environment(template_folder()).get_template(template).render(
        {**_target_facts(Target.CONTRACT), **context})


def template_folder() -> Path:
    """The kit's templates, or the folder ``OSIRIS_GEN_TEMPLATES`` names."""
    return Path(os.environ.get(TEMPLATES_ENV) or str(files("osiris_driver_kit.templates")))


def templates_digest() -> str:
    """SHA-256 of the template set and the copied contract modules (names and bytes):
    the record says what rendered a file."""
    folder = template_folder()
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.j2")):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    for name, module in COPIED_CONTRACT.items():
        digest.update(name.encode() + b"\0" + contract_copy(module).encode() + b"\0")
    return digest.hexdigest()


@functools.cache
def _environment(folder: Path) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # Python and YAML, not HTML
    )
    # JSON is YAML: scalars and lists in specs, without tojson's HTML escapes.
    environment.filters["json"] = lambda value: json.dumps(value, ensure_ascii=False)
    environment.filters["import_section"] = import_section
    environment.filters["from_import"] = from_import
    return environment


def _relative(target: Path, start: Path) -> str:
    """``target`` as seen from ``start`` (absolute when they share no root)."""
    try:
        return Path(os.path.relpath(target.resolve(), start.resolve())).as_posix()
    except ValueError:
        return target.resolve().as_posix()


def _package(folder: Path) -> str:
    """The dotted package of ``folder`` once it has its ``__init__.py``: its own name,
    prefixed by the parent folders that are packages too."""
    folder = folder.resolve()
    parts = [folder.name]
    while (folder.parent / "__init__.py").exists():
        folder = folder.parent
        parts.insert(0, folder.name)
    return ".".join(parts)
