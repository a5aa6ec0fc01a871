"""--fix and --diff: fixes edit the tree through LibCST, keep everything else
byte for byte, never write code that does not parse, and leave the file clean
for the rule they fix."""

import textwrap

from .support import lint_files

WRITER_WITH_PRINT = textwrap.dedent('''\
    """CSV writer."""  # a module comment that must survive
    from osiris.core.driver import DriverRegistry


    class CsvWriterDriver:
        def run(self, step_id, config, inputs, ctx):
            df = inputs["df"].copy()   # odd   spacing kept
            print(f"writing {len(df)} rows")
            print("rows:", len(df), "to", config["path"])
            match config.get("write_mode", "append"):
                case "append" | "overwrite" | "upsert":
                    self._write(df, keys=config.get("primary_key"))
                case other:
                    raise ValueError(f"unsupported write_mode {other!r}")
            ctx.log_metric("rows_written", len(df))
            return {}


    DriverRegistry.register("csv.writer", CsvWriterDriver())
    ''')


def fixed(tmp_path, files, **options):
    outcome = lint_files(files, fix="fix", root=tmp_path, **options)
    return outcome, {name: (tmp_path / name).read_text() for name in files}


def test_print_becomes_a_log_event_carrying_the_same_message(tmp_path):
    outcome, after = fixed(tmp_path, {"csv_writer_driver.py": WRITER_WITH_PRINT},
                           codes=frozenset({"OSD020"}))
    text = after["csv_writer_driver.py"]
    assert 'ctx.log_event("message", {"message": f"writing {len(df)} rows"})' in text
    assert ('ctx.log_event("message", {"message": " ".join(map(str, ("rows:", len(df), "to", '
            'config["path"])))})') in text
    assert '"""CSV writer."""  # a module comment that must survive' in text
    assert 'df = inputs["df"].copy()   # odd   spacing kept' in text
    assert outcome.fixes_applied == 2 and outcome.findings == []


def test_no_print_fix_where_ctx_may_be_none_or_print_has_keywords(tmp_path):
    source = textwrap.dedent('''\
        import sys


        class CsvWriterDriver:
            def run(self, *, step_id, config, inputs=None, ctx=None):
                print("no ctx to log to")
                return {}

            def _debug(self, ctx, rows):
                print(rows, file=sys.stderr)
        ''')
    outcome = lint_files({"csv_writer_driver.py": source})
    prints = [f for f in outcome.findings if f.code == "OSD020"]
    assert len(prints) == 2 and not any(f.fixable for f in prints)


def test_a_suppressed_finding_is_not_fixed(tmp_path):
    source = WRITER_WITH_PRINT.replace('print(f"writing {len(df)} rows")',
                                       'print(f"writing {len(df)} rows")  # noqa: OSD020')
    _, after = fixed(tmp_path, {"csv_writer_driver.py": source})
    assert 'print(f"writing {len(df)} rows")  # noqa: OSD020' in after["csv_writer_driver.py"]


def test_an_unregistered_driver_gets_its_registration_with_the_key_from_the_file_name(tmp_path):
    source = textwrap.dedent('''\
        """Orders extractor."""
        import pandas as pd


        class OrdersExtractorDriver:
            def run(self, step_id, config, inputs, ctx):
                df = pd.DataFrame()
                ctx.log_metric("rows_read", len(df))
                return {"df": df}


        def helper():
            return 1
        ''')
    outcome, after = fixed(tmp_path, {"orders_extractor_driver.py": source},
                           codes=frozenset({"OSD003"}))
    assert after["orders_extractor_driver.py"] == textwrap.dedent('''\
        """Orders extractor."""
        import pandas as pd
        from osiris.core.driver import DriverRegistry


        class OrdersExtractorDriver:
            def run(self, step_id, config, inputs, ctx):
                df = pd.DataFrame()
                ctx.log_metric("rows_read", len(df))
                return {"df": df}


        DriverRegistry.register("orders.extractor", OrdersExtractorDriver())


        def helper():
            return 1
        ''')
    assert outcome.findings == []


def test_no_registration_fix_when_the_file_name_gives_no_key():
    source = "class SyncDriver:\n    def run(self, step_id, config, inputs, ctx):\n        return {}\n"
    [finding] = [f for f in lint_files({"sync.py": source}).findings if f.code == "OSD003"]
    assert not finding.fixable
    assert 'DriverRegistry.register("family.type", SyncDriver())' in finding.message


def test_diff_prints_the_change_and_writes_nothing(project):
    path = project.write("csv_writer_driver.py", WRITER_WITH_PRINT)
    done = project.lint("--diff")
    assert done.returncode == 1
    assert done.stdout.startswith("--- a/csv_writer_driver.py\n+++ b/csv_writer_driver.py\n")
    assert '-        print(f"writing {len(df)} rows")' in done.stdout
    assert path.read_text() == WRITER_WITH_PRINT


def test_fix_on_the_command_line_writes_and_reports_what_is_left(project):
    path = project.write("csv_writer_driver.py", WRITER_WITH_PRINT.replace(
        'ctx.log_metric("rows_written", len(df))', 'sys.stdout.write("done")'))
    done = project.lint("--fix")
    assert done.returncode == 1
    assert "print(" not in path.read_text()
    assert "Fixed 2 findings." in done.stdout
    assert "OSD020" in done.stdout and "sys.stdout.write" in done.stdout  # not fixable


TWO_DRIVERS = textwrap.dedent('''\
    class ShopOrdersExtractorDriver:
        def run(self, step_id, config, inputs, ctx):
            return {"df": None}


    class ShopCustomersExtractorDriver:
        def run(self, step_id, config, inputs, ctx):
            return {"df": None}
    ''')


def test_two_drivers_of_one_file_get_two_keys_and_a_second_fix_changes_nothing(project):
    project.write("shop_extractor_driver.py", TWO_DRIVERS)
    fixed = project.lint("--fix", "--select", "OSD003,OSD005")
    assert fixed.returncode == 0 and "Fixed 2 findings." in fixed.stdout, fixed.stdout
    text = (project.root / "shop_extractor_driver.py").read_text()
    assert 'DriverRegistry.register("shop.extractor", ShopOrdersExtractorDriver())' in text
    assert ('DriverRegistry.register("shop_customers.extractor", ShopCustomersExtractorDriver())'
            in text)
    again = project.lint("--fix", "--select", "OSD003,OSD005")
    assert "Fixed" not in again.stdout
    assert (project.root / "shop_extractor_driver.py").read_text() == text


def test_a_file_that_cannot_be_written_is_reported_and_the_others_are_fixed(tmp_path, monkeypatch):
    from pathlib import Path

    write_bytes = Path.write_bytes

    def refuse(path, data):  # the fixed text (with its registration) cannot be written
        if path.name == "locked_extractor_driver.py" and b"DriverRegistry" in data:
            raise PermissionError(13, "Permission denied")
        return write_bytes(path, data)

    monkeypatch.setattr(Path, "write_bytes", refuse)
    outcome = lint_files({"locked_extractor_driver.py": TWO_DRIVERS.split("\n\n\n")[0] + "\n",
                          "open_extractor_driver.py": TWO_DRIVERS.split("\n\n\n")[1]},
                         codes=frozenset({"OSD003"}), fix="fix")
    assert outcome.unwritable == ["locked_extractor_driver.py: cannot write the fixes "
                                  "(Permission denied); nothing in it was changed"]
    assert outcome.fixes_applied == 1
