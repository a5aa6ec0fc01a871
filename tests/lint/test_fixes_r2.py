"""Fixes of the data-flow rules: applied, they leave the file clean for their rule."""

import textwrap

from .support import lint_files

MUTATING_WRITER = textwrap.dedent('''\
    class PostgresWriterDriver:
        def run(self, step_id, config, inputs, ctx):
            df = inputs["df"]  # bound here
            frame = df
            frame["loaded_at"] = self._now()
            self._normalise(df)
            return {}

        def _normalise(self, df):
            df.columns = [c.lower() for c in df.columns]
    ''')


ONLY = frozenset({"OSD021"})


def codes(outcome, code):
    return [(f.line, f.fixable) for f in outcome.findings if f.code == code]


def test_input_mutation_fix_copies_the_frame_where_it_is_bound(tmp_path):
    files = {"postgres_writer_driver.py": MUTATING_WRITER}
    assert codes(lint_files(files), "OSD021") == [(5, True), (10, True)]
    outcome = lint_files(files, ONLY, fix="fix", root=tmp_path)
    text = (tmp_path / "postgres_writer_driver.py").read_text()
    assert text == MUTATING_WRITER.replace('df = inputs["df"]  # bound here',
                                           'df = inputs["df"].copy()  # bound here')
    assert outcome.fixes_applied >= 1
    assert codes(outcome, "OSD021") == []
    assert codes(lint_files({"postgres_writer_driver.py": text}), "OSD021") == []


def test_no_input_mutation_fix_when_the_frame_is_not_bound_from_inputs_subscript(tmp_path):
    source = textwrap.dedent('''\
        class CleanTransformerDriver:
            def run(self, step_id, config, inputs, ctx):
                df = inputs.get("df")
                df.dropna(inplace=True)
                for frame in inputs.values():
                    frame["x"] = 1
                inputs["df"]["y"] = 2
                return {"df": df}
        ''')
    files = {"clean_transformer_driver.py": source}
    assert codes(lint_files(files), "OSD021") == [(4, False), (6, False), (7, False)]
    outcome = lint_files(files, ONLY, fix="fix", root=tmp_path)
    assert outcome.fixes_applied == 0
    assert (tmp_path / "clean_transformer_driver.py").read_text() == source
