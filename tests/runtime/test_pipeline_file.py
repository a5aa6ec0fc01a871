"""The pipeline file is validated before anything runs; every problem names
the file, the step and the fix, and all problems are reported together."""

import textwrap

import pytest
from osiris_driver_kit.runtime.pipeline import PipelineError, load_pipeline


def pipeline(tmp_path, text):
    path = tmp_path / "orders.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def problems(tmp_path, text):
    with pytest.raises(PipelineError) as error:
        load_pipeline(pipeline(tmp_path, text))
    return error.value.problems


def test_a_valid_file_gives_steps_in_dependency_order_and_defaults_the_name(tmp_path):
    parsed = load_pipeline(pipeline(tmp_path, """
        steps:
          - {id: load, driver: csv.writer, needs: [clean]}
          - {id: extract, driver: sqlite.extractor, config: {query: SELECT 1}}
          - {id: clean, driver: sql.transformer, needs: [extract]}
    """))
    assert parsed.name == "orders"
    assert [s.id for s in parsed.execution_order()] == ["extract", "clean", "load"]
    assert parsed.step("extract").config == {"query": "SELECT 1"}


def test_invalid_yaml_points_at_line_and_column(tmp_path):
    [problem] = problems(tmp_path, "steps:\n  - id: a\n    driver: [unclosed\n")
    assert problem.startswith(f"{tmp_path / 'orders.yaml'}:4:1: invalid YAML")


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(PipelineError, match="no such pipeline file"):
        load_pipeline(tmp_path / "missing.yaml")


@pytest.mark.parametrize("text, expected", [
    ("- a\n- b\n", "the file must be a mapping with a 'steps:' list"),
    ("name: x\n", "'steps:' must be a non-empty list"),
    ("steps: []\n", "'steps:' must be a non-empty list"),
])
def test_the_top_level_shape_is_checked(tmp_path, text, expected):
    assert expected in problems(tmp_path, text)[0]


def test_every_step_problem_is_reported_at_once_with_the_step_named(tmp_path):
    found = problems(tmp_path, """
        stpes: 1
        steps:
          - id: extract
            driver: sqlite.extractor
            confg: {}
          - id: 7
            driver: csv.writer
          - id: load
            config: [1]
            needs: extract
    """)
    path = tmp_path / "orders.yaml"
    assert found == [
        f"{path}: unknown key 'stpes' (did you mean 'steps'?); allowed: description, name, steps, version.",
        f"{path}: step 'extract': unknown key 'confg' (did you mean 'config'?); "
        "allowed: config, description, driver, id, needs, timeout.",
        f"{path}: step #2: needs an 'id' that is a non-empty string (quote numbers: id: \"1\").",
        f"{path}: step 'load': needs 'driver:' naming a registered driver, e.g. driver: csv.writer.",
        f"{path}: step 'load': 'config' must be a mapping, not list.",
        f"{path}: step 'load': 'needs' must be a list: needs: [extract].",
    ]


def test_duplicate_reserved_and_unknown_ids_are_reported(tmp_path):
    found = problems(tmp_path, """
        steps:
          - {id: extract, driver: a.extractor}
          - {id: extract, driver: b.extractor}
          - {id: df, driver: c.extractor}
          - {id: load, driver: csv.writer, needs: [extrct, load]}
    """)
    text = "\n".join(found)
    assert "step 'df': the id 'df' is reserved" in text
    assert "step 'extract': the id is used by 2 steps" in text
    assert "step 'load': needs 'extrct', which is not a step id (did you mean 'extract'?)" in text
    assert "step 'load': needs itself" in text


def test_ids_that_collide_as_input_keys_are_reported(tmp_path):
    [problem] = problems(tmp_path, """
        steps:
          - {id: raw-orders, driver: a.extractor}
          - {id: raw_orders, driver: b.extractor}
    """)
    assert "all reach downstream steps as inputs['df_raw_orders']" in problem


def test_a_cycle_is_reported_with_its_path(tmp_path):
    [problem] = problems(tmp_path, """
        steps:
          - {id: extract, driver: a.extractor}
          - {id: a, driver: t.transformer, needs: [extract, c]}
          - {id: b, driver: t.transformer, needs: [a]}
          - {id: c, driver: t.transformer, needs: [b]}
    """)
    assert "the steps form a cycle (a needs c needs b needs a)" in problem
