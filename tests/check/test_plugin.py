"""``assert_driver_contract``: the checks of ``osiris-run check`` as a fixture,
on drivers a test builds itself."""

from pathlib import Path

import pandas as pd
import pytest
from osiris.core.driver import DriverRegistry
from osiris_driver_kit.runtime.discovery import load_drivers

BROKEN = Path(__file__).parent / "broken"
ORDERS = pd.DataFrame({"id": [1, 2, 3, 4], "amount": [9.5, 20.0, 7.25, 3.0]})


class CentsTransformerDriver:
    def run(self, step_id, config, inputs, ctx):
        try:
            if inputs is None or "df" not in inputs:
                raise ValueError("cents.transformer needs inputs['df']")
            df = inputs["df"].assign(cents=(inputs["df"]["amount"] * 100).round().astype(int))
            ctx.log_metric("rows_processed", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                          "error_type": type(e).__name__})
            raise


class InPlaceCentsProcessor:
    def run(self, step_id, config, inputs, ctx):
        df = inputs["df"]
        df["cents"] = df["amount"] * 100
        ctx.log_metric("rows_processed", len(df))
        return {"df": df}


def test_a_compliant_driver_passes_and_the_report_says_what_was_verified(assert_driver_contract):
    report = assert_driver_contract(CentsTransformerDriver(), {}, {"df": ORDERS})
    verdicts = {r.rule.code: r.status for r in report.results}
    assert verdicts["OSD021"] == verdicts["OSD022"] == verdicts["OSD010"] == "passed"
    assert verdicts["OSD031"] == "skipped"
    assert list(ORDERS.columns) == ["id", "amount"]  # the caller's frame is untouched too


def test_a_breaching_driver_fails_the_test_with_the_breach_list(assert_driver_contract):
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_driver_contract(InPlaceCentsProcessor(), {}, {"df": ORDERS}, key="cents.processor")
    message = str(failure.value)
    assert message.startswith("cents.processor breaches the driver contract:")
    assert "OSD021 input-mutation: In the scenario run" in message
    assert "OSD012 inputs-contract" in message


def test_a_registered_driver_from_a_module_is_checked_the_same_way(assert_driver_contract,
                                                                   osiris_registry):
    load_drivers(BROKEN / "running_total_csv_writer_driver.py")
    driver = DriverRegistry.get("running_total_csv.writer")
    with pytest.raises(pytest.fail.Exception, match="OSD022 dataframe-cache"):
        assert_driver_contract(driver, {"path": "{tmp}/out.csv"}, {"df": ORDERS},
                               key="running_total_csv.writer")


def test_inputs_without_a_df_are_a_usage_error(assert_driver_contract):
    with pytest.raises(ValueError, match=r"inputs must be \{'df': DataFrame\}"):
        assert_driver_contract(CentsTransformerDriver(), {}, {"orders": ORDERS})
