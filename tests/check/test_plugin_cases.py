"""The osiris_case marker and --osiris-require-cases, on small test files run by pytester."""

import pytest

pytest_plugins = ["pytester"]

ALL_FIVE = """
import pytest

CASES = ["happy_path", "missing_config", "invalid_input", "connection_failure", "metrics"]


@pytest.mark.parametrize("case", CASES)
def test_case(case):
    pass


for _case in CASES:
    test_case = pytest.mark.osiris_case(_case, driver="acme.extractor")(test_case)
"""

MIXED = """
import pytest

KEY = "acme.writer"


@pytest.mark.osiris_case("happy_path", driver=KEY)
@pytest.mark.osiris_case("metrics", driver=KEY)
def test_writes():
    pass


@pytest.mark.osiris_case("missing_config", driver=KEY)
def test_missing_config():
    assert False, "the key is not named"


@pytest.mark.osiris_case("invalid_input", driver=KEY)
@pytest.mark.parametrize("inputs", [None, {}])
def test_invalid_input(inputs):
    assert inputs is None


@pytest.mark.osiris_case("connection_failure", driver=KEY)
def test_connection_failure():
    pytest.skip("no server")


@pytest.mark.osiris_case("happy_path", driver="other.extractor")
@pytest.mark.xfail(reason="a skeleton", strict=True)
def test_other_reads():
    raise NotImplementedError
"""

DRIVERS_FOLDER = """
from osiris.core.driver import DriverRegistry


class UntestedExtractorDriver:
    def run(self, step_id, config, inputs, ctx):
        return {}


DriverRegistry.register("untested.extractor", UntestedExtractorDriver())
"""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "no:cacheprovider", "--strict-markers", *args)


def test_a_driver_with_a_passing_test_for_every_case_passes_and_shows_the_table(pytester):
    pytester.makepyfile(ALL_FIVE)
    result = run(pytester, "--osiris-require-cases")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([
        "*= osiris driver contract: test cases =*",
        "driver          happy_path  missing_config  invalid_input  connection_failure  metrics",
        "acme.extractor  passed      passed          passed         passed              passed",
        "1 driver(s): a passing test for every case.",
    ])


def test_failed_skipped_xfailed_and_missing_cases_fail_the_session(pytester):
    pytester.makepyfile(MIXED)
    result = run(pytester, "--osiris-require-cases")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([
        "driver           happy_path  missing_config  invalid_input  connection_failure  metrics",
        "acme.writer      passed      failed          failed         skipped             passed",
        "other.extractor  skipped     missing         missing        missing             missing",
        "2 driver(s) lack a passing test for a case: acme.writer, other.extractor",
    ])


def test_the_test_failures_alone_decide_without_the_option(pytester):
    pytester.makepyfile(ALL_FIVE.replace("acme.extractor", "acme.writer")
                        .replace('"metrics"]', "]"))
    result = run(pytester)
    assert result.ret == pytest.ExitCode.OK
    assert "osiris driver contract" not in result.stdout.str()


def test_a_missing_case_alone_fails_the_session_after_every_test_passed(pytester):
    pytester.makepyfile(ALL_FIVE.replace('"metrics"]', "]"))
    result = run(pytester, "--osiris-require-cases")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["acme.extractor  passed * passed              missing",
                                 "*4 passed*"])


def test_deselected_tests_name_no_driver(pytester):
    pytester.makepyfile(ALL_FIVE + MIXED.replace("import pytest", ""))
    result = run(pytester, "--osiris-require-cases", "-k", "test_case")
    assert result.ret == pytest.ExitCode.OK
    assert "acme.writer" not in result.stdout.str()


@pytest.mark.parametrize(("marker", "message"), [
    ('"happy"', "unknown osiris_case case 'happy'; the cases are: happy_path, missing_config, "
                "invalid_input, connection_failure, metrics."),
    ("", "osiris_case takes one case and driver=*"),
    ('"metrics", "happy_path", driver="a.writer"', "osiris_case takes one case and driver=*"),
    ('"metrics", key="a.writer"', "osiris_case takes one case and driver=*"),
    ('"metrics", driver="Acme"', "osiris_case driver=: Invalid driver key 'Acme'*"),
])
def test_a_malformed_marker_is_a_usage_error_naming_the_valid_values(pytester, marker, message):
    pytester.makepyfile(f"import pytest\n\n\n@pytest.mark.osiris_case({marker})\n"
                        f"def test_x():\n    pass\n")
    result = run(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: test_*.py::test_x: {message}"])


def test_the_drivers_of_a_folder_must_be_covered_even_without_any_test(pytester):
    pytester.mkpydir("drivers").joinpath("untested_extractor_driver.py").write_text(DRIVERS_FOLDER)
    pytester.makepyfile(ALL_FIVE)
    result = run(pytester, "--osiris-require-cases", "--osiris-drivers", "drivers")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([
        "acme.extractor      passed      passed * passed",
        "untested.extractor  missing     missing * missing",
        "1 driver(s) lack a passing test for a case: untested.extractor",
    ])


def test_the_ini_file_can_require_the_cases_and_name_the_drivers(pytester):
    pytester.mkpydir("drivers").joinpath("untested_extractor_driver.py").write_text(DRIVERS_FOLDER)
    pytester.makeini("[pytest]\nosiris_require_cases = true\nosiris_drivers = drivers\n")
    pytester.makepyfile(ALL_FIVE.replace("acme.extractor", "untested.extractor"))
    result = run(pytester)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["untested.extractor  passed * passed"])


def test_a_driver_module_that_does_not_import_fails_the_session(pytester):
    drivers = pytester.mkpydir("drivers")
    drivers.joinpath("broken_extractor_driver.py").write_text("import no_such_module_osiris\n")
    pytester.makepyfile(ALL_FIVE)
    result = run(pytester, "--osiris-require-cases", "--osiris-drivers", "drivers")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*broken_extractor_driver.py:1: cannot import *no_such_module_osiris*"])
