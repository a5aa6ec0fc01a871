"""The fixes of OSD004 (register an instance) and OSD011 (wrap a returned
DataFrame): each is applied, the file re-lints clean for that rule, and no fix
is offered where it would not be safe."""

import textwrap

from .support import lint_files


def fixed(tmp_path, files, code):
    """Apply only ``code``'s fixes (other rules' fixes would change the file too)."""
    outcome = lint_files(files, codes=frozenset({code}), fix="fix", root=tmp_path)
    return outcome, {name: (tmp_path / name).read_text() for name in files}


def codes(outcome, code):
    return [f for f in outcome.findings if f.code == code]


REGISTERS_THE_CLASS = textwrap.dedent('''\
    from osiris.core.driver import DriverRegistry


    class CsvWriterDriver:
        def __init__(self, encoding: str = "utf-8") -> None:
            self.encoding = encoding

        def run(self, step_id, config, inputs, ctx):
            return {}


    DriverRegistry.register("csv.writer", CsvWriterDriver)  # registered at import
    ''')


def test_a_registered_class_becomes_a_fresh_instance(tmp_path):
    before = lint_files({"csv_writer_driver.py": REGISTERS_THE_CLASS})
    [finding] = codes(before, "OSD004")
    assert finding.fixable and finding.fix_title == "Register an instance: CsvWriterDriver()"
    outcome, after = fixed(tmp_path, {"csv_writer_driver.py": REGISTERS_THE_CLASS}, "OSD004")
    assert after["csv_writer_driver.py"] == REGISTERS_THE_CLASS.replace(
        '"csv.writer", CsvWriterDriver)', '"csv.writer", CsvWriterDriver())')
    assert codes(outcome, "OSD004") == []


def test_no_instance_fix_for_a_class_that_needs_arguments_or_is_imported():
    needs_arguments = REGISTERS_THE_CLASS.replace('encoding: str = "utf-8"', "encoding: str")
    imported = textwrap.dedent('''\
        from osiris.core.driver import DriverRegistry
        from .csv_writer_driver import CsvWriterDriver

        DriverRegistry.register("csv.writer", CsvWriterDriver)
        ''')
    outcome = lint_files({"csv_writer_driver.py": needs_arguments, "pkg/__init__.py": imported})
    found = codes(outcome, "OSD004")
    assert len(found) == 2 and not any(f.fixable for f in found)


RETURNS_A_FRAME = textwrap.dedent('''\
    import duckdb


    class DuckdbExtractorDriver:
        def run(self, step_id, config, inputs, ctx):
            con = duckdb.connect(config["path"], read_only=True)
            rows = con.execute(config["query"]).fetchdf()
            ctx.log_metric("rows_read", len(rows))
            if rows.empty:
                return rows  # nothing to read
            return rows
    ''')


def test_a_returned_dataframe_is_wrapped_in_a_df_dict(tmp_path):
    outcome, after = fixed(tmp_path, {"duckdb_extractor_driver.py": RETURNS_A_FRAME}, "OSD011")
    assert after["duckdb_extractor_driver.py"] == RETURNS_A_FRAME.replace(
        "return rows", 'return {"df": rows}')
    assert outcome.fixes_applied == 2 and codes(outcome, "OSD011") == []


def test_no_wrap_fix_for_a_name_that_may_be_a_dict_or_for_a_writer():
    may_be_a_dict = textwrap.dedent('''\
        class ApiExtractorDriver:
            def run(self, step_id, config, inputs, ctx):
                result = self._fetch(config)
                if config.get("empty"):
                    result = {}
                ctx.log_metric("rows_read", 0)
                return result
        ''')
    writer = textwrap.dedent('''\
        class CsvWriterDriver:
            def run(self, step_id, config, inputs, ctx):
                df = inputs["df"]
                ctx.log_metric("rows_written", len(df))
                return df
        ''')
    outcome = lint_files({"api_extractor_driver.py": may_be_a_dict,
                          "csv_writer_driver.py": writer})
    found = codes(outcome, "OSD011")
    assert len(found) == 2 and not any(f.fixable for f in found)
