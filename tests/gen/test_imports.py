"""The import sections templates render for either target keep ruff's isort order."""

from osiris_driver_kit.generator.imports import from_import, import_section


def test_a_section_puts_straight_imports_first_each_by_module():
    body = "from pathlib import Path\nimport os\n"
    assert import_section(body, ["import logging"]) == (
        "import logging\nimport os\nfrom pathlib import Path\n")
    assert import_section("", ["import logging"], blank_after=True) == "import logging\n\n"
    assert import_section("", [], blank_after=True) == ""


def test_names_go_on_one_line_when_it_fits_else_one_per_line():
    assert from_import("b\na", ".m") == "from .m import a, b\n"
    names = [f"validate_name_{n}" for n in range(6)]
    wrapped = from_import("\n".join(names), ".driver_safety", ["MASK"])
    assert wrapped.splitlines()[:3] == ["from .driver_safety import (", "    MASK,",
                                        "    validate_name_0,"]
    assert wrapped.endswith("    validate_name_5,\n)\n")
