"""``osiris.core.driver`` for contract-style drivers: the kit's registry where nothing
else provides the module, and never in the way of an ``osiris`` that exists."""

import subprocess
import sys
import textwrap

import pytest


def run_python(tmp_path, code, *path):
    """``code`` in an isolated interpreter whose sys.path holds ``path`` and the kit."""
    prelude = textwrap.dedent(f"""
        import sys
        sys.path[:0] = {[str(p) for p in path]!r}
        from osiris_driver_kit.runtime import osiris_fallback
        osiris_fallback.install()
    """)
    done = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def make_package(root, dotted, files):
    for name, text in files.items():
        path = root.joinpath(*dotted.split("."), name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_without_osiris_the_contract_import_gives_the_kits_registry(tmp_path):
    out = run_python(tmp_path, """
        from osiris.core.driver import DriverRegistry
        from osiris_driver_kit.runtime import driver
        print(DriverRegistry is driver.DriverRegistry, osiris_fallback.provided_by_kit())
    """)
    assert out == "True True"


def test_an_installed_osiris_always_wins(tmp_path):
    site = tmp_path / "site"
    make_package(site, "osiris", {"__init__.py": ""})
    make_package(site, "osiris.core", {"__init__.py": "", "driver.py": "DriverRegistry = 'theirs'"})
    out = run_python(tmp_path, """
        from osiris.core.driver import DriverRegistry
        print(DriverRegistry, osiris_fallback.provided_by_kit())
    """, site)
    assert out == "theirs False"


def test_only_the_missing_modules_are_filled_in(tmp_path):
    """A checkout without osiris/__init__.py and without core/driver.py (as the vendored
    public drivers are): its modules come from it, only the registry from the kit."""
    checkout = tmp_path / "checkout"
    make_package(checkout, "osiris.drivers", {"__init__.py": "", "x_driver.py": "WHERE = 'checkout'"})
    make_package(checkout, "osiris.core", {"__init__.py": "", "config.py": "WHERE = 'checkout'"})
    out = run_python(tmp_path, """
        from osiris.drivers.x_driver import WHERE as drivers
        from osiris.core.config import WHERE as config
        from osiris.core.driver import DriverRegistry
        print(drivers, config, DriverRegistry.__module__)
    """, checkout)
    assert out == "checkout checkout osiris_driver_kit.runtime.driver"


def test_an_osiris_folder_added_to_sys_path_later_still_provides_its_modules(tmp_path):
    """A contract driver makes the fallback ``osiris`` first; a component spec then
    names ``osiris.drivers...`` of a checkout put on sys.path afterwards."""
    checkout = tmp_path / "checkout"
    make_package(checkout, "osiris.drivers", {"__init__.py": "", "x_driver.py": "WHERE = 'later'"})
    out = run_python(tmp_path, f"""
        import osiris.core.driver
        sys.path.insert(0, {str(checkout)!r})
        from osiris.drivers.x_driver import WHERE
        print(WHERE)
    """)
    assert out == "later"


@pytest.mark.parametrize("name", ["osiris.connectors", "osiris.core.config", "osiris_other"])
def test_nothing_else_is_invented(tmp_path, name):
    out = run_python(tmp_path, f"""
        import importlib
        try:
            importlib.import_module({name!r})
        except ModuleNotFoundError:
            print("missing")
    """)
    assert out == "missing"
