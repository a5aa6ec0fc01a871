"""Suppression comments as the catalogue defines them, and OSD902 for unused ones."""

from .support import lint_files

PRINTS = '''\
def dump(rows):
    print(rows){same_line}
'''


# The print rule applies to driver modules: h.py gets a driver after its own lines.
DRIVER = "\n\nclass HWriterDriver:\n    def run(self, step_id, config, inputs, ctx):\n        return {}\n"


def found(files, **options):
    files = {name: source + DRIVER if name == "h.py" else source for name, source in files.items()}
    options.setdefault("codes", frozenset({"OSD020", "OSD902"}))
    return sorted((f.code, f.line) for f in lint_files(files, **options).findings)


def test_disable_on_the_line_or_the_line_above():
    assert found({"h.py": "def f(x):\n    print(x)  # osiris-lint: disable=OSD020\n"}) == []
    assert found({"h.py": "def f(x):\n    # osiris-lint: disable=OSD010,OSD020\n    print(x)\n"}) == []
    assert found({"h.py": "# osiris-lint: disable=OSD020\n\ndef f(x):\n    print(x)\n"}) == [
        ("OSD020", 4)]


def test_disable_file_anywhere_silences_the_code_in_the_whole_file():
    source = "def f(x):\n    print(x)\n\n\ndef g(y):\n    print(y)\n# osiris-lint: disable-file=OSD020\n"
    assert found({"h.py": source}) == []


def test_noqa_with_codes_and_trailing_text_and_bare_noqa():
    assert found({"h.py": "def f(x):\n    print(x)  # noqa: OSD020 debugging aid\n"}) == []
    assert found({"h.py": "def f(x):\n    print(x)  # noqa\n"}) == []
    assert found({"h.py": "def f(x):\n    print(x)  # noqa: E501\n"}) == [("OSD020", 2)]
    assert found({"h.py": "def f(x):\n    # noqa: OSD020\n    print(x)\n"}) == [("OSD020", 3)]


def test_a_suppression_for_another_code_does_not_hide_the_finding():
    assert found({"h.py": "def f(x):\n    print(x)  # osiris-lint: disable=OSD010\n"}) == [
        ("OSD020", 2)]


def test_unused_suppressions_are_reported_only_when_asked():
    source = "def f(x):\n    return x  # noqa: OSD020\n"
    assert found({"h.py": source}) == []
    assert found({"h.py": source}, report_unused=True) == [("OSD902", 2)]


def test_a_bare_noqa_or_another_tools_code_is_never_reported_unused():
    source = "def f(x):\n    return x  # noqa\n\n\ndef g(x):\n    return x  # noqa: E501\n"
    assert found({"h.py": source}, report_unused=True) == []


def test_project_findings_are_suppressed_like_any_other():
    source = ("class OrdersExtractorDriver:  # noqa: OSD003\n"
              "    def run(self, step_id, config, inputs, ctx):\n"
              "        ctx.log_metric('rows_read', 0)\n        return {'df': None}\n")
    assert found({"orders_extractor_driver.py": source}, report_unused=True,
                 codes=frozenset({"OSD003", "OSD010", "OSD902"})) == []
