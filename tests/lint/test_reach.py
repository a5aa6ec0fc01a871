"""reach.py: the call graph's per-function summaries (memoised per file, recursion
solved by iteration), the parameter a helper receives ctx as, and the helpers run hands
its work to."""

import textwrap

import libcst as cst
from osiris_driver_kit.linter.analysis.drivers import find_drivers
from osiris_driver_kit.linter.analysis.reach import (
    ctx_names,
    delegation,
    describe,
    helper_calls,
    placeholder_run,
    summary,
)

from .support import all_codes, lint_files


def driver_of(source):
    module = cst.parse_module(textwrap.dedent(source))
    [driver] = find_drivers(module, "orders_extractor_driver.py", [])
    return driver


def method(driver, name):
    return driver.method(name) or driver.functions[name]


def marked(function):
    """The function's body mentions ``marker``."""
    return "marker" in cst.Module([]).code_for_node(function.body)


class EveryPath:
    """Marked itself, and every helper it calls is too: an "on every path" summary
    (``start`` True, the most that can be said)."""

    def __init__(self, driver):
        self.driver = driver
        self.computed = []

    def __call__(self, function):
        return summary(self.driver, "every", function, self.compute, True)

    def compute(self, function):
        self.computed.append(function.name.value)
        found = marked(function)
        for _, helper in helper_calls(self.driver, function):
            found = self(helper) and found  # every helper asked, as a rule's walk would
        return found


class SomePath(EveryPath):
    """Marked itself, or some helper it calls is: an "on some path" summary (``start``
    False, the least)."""

    def __call__(self, function):
        return summary(self.driver, "some", function, self.compute, False)

    def compute(self, function):
        self.computed.append(function.name.value)
        found = marked(function)
        for _, helper in helper_calls(self.driver, function):
            found = self(helper) or found
        return found


CHAIN = """
class OrdersExtractorDriver:
    def run(self, step_id, config, inputs, ctx):
        self._load(config)
        self._load(config)
        _emit(ctx)

    def _load(self, config):
        marker()
        _emit(None)

def _emit(ctx):
    marker()
"""


def test_a_summary_is_computed_once_per_function_however_often_it_is_asked_for():
    driver = driver_of(CHAIN)
    every = EveryPath(driver)
    assert every(method(driver, "_load")) is True
    assert every(method(driver, "_emit")) is True
    assert every(method(driver, "run")) is False  # run itself has no marker
    assert sorted(every.computed) == ["_emit", "_load", "run"]


def test_a_helper_calling_itself_settles_from_the_assumed_value():
    driver = driver_of("""
        class OrdersExtractorDriver:
            def run(self, step_id, config, inputs, ctx):
                self._page(config, 3)

            def _page(self, config, n):
                marker()
                if n:
                    self._page(config, n - 1)

            def _other(self, config, n):
                if n:
                    self._other(config, n - 1)
    """)
    every, some = EveryPath(driver), SomePath(driver)
    assert every(method(driver, "_page")) is True
    assert some(method(driver, "_other")) is False
    assert every(method(driver, "_other")) is False


def test_a_cycle_is_settled_as_a_whole_so_a_member_asked_later_gets_the_final_summary():
    # _ping -> _pong -> _ping, and _ping -> _unmarked: on every path, the cycle is not
    # marked, although _pong, computed while _ping was assumed marked, first looked so.
    driver = driver_of("""
        class OrdersExtractorDriver:
            def run(self, step_id, config, inputs, ctx):
                self._ping(3)
                self._pong(3)

            def _ping(self, n):
                marker()
                self._pong(n - 1)
                self._unmarked()

            def _pong(self, n):
                marker()
                self._ping(n)

            def _unmarked(self):
                pass
    """)
    every = EveryPath(driver)
    assert every(method(driver, "_ping")) is False
    assert every(method(driver, "_pong")) is False
    computed = len(every.computed)
    assert every(method(driver, "_pong")) is False and len(every.computed) == computed


def test_a_cycle_reaching_a_marked_function_is_marked_on_some_path():
    driver = driver_of("""
        class OrdersExtractorDriver:
            def run(self, step_id, config, inputs, ctx):
                self._ping(3)

            def _ping(self, n):
                self._pong(n - 1)

            def _pong(self, n):
                self._ping(n)
                _emit(n)

        def _emit(n):
            marker()
    """)
    some = SomePath(driver)
    assert some(method(driver, "run")) is True
    assert some(method(driver, "_ping")) is some(method(driver, "_pong")) is True


def test_the_context_a_helper_receives_is_named_by_its_parameter():
    driver = driver_of("""
        class OrdersExtractorDriver:
            def run(self, step_id, config, inputs, context):
                self._load(config, events=context)

            def _load(self, config, events):
                _emit(1, events)

        def _emit(rows, sink):
            sink.log_metric("rows_read", rows)
    """)
    names = ctx_names(driver)
    assert names[driver.run] == "context"
    assert names[method(driver, "_load")] == "events"
    assert names[method(driver, "_emit")] == "sink"


def test_run_hands_its_work_to_the_helpers_whose_whole_body_is_the_call_of_the_next():
    driver = driver_of("""
        class OrdersExtractorDriver:
            def run(self, *, step_id, config, inputs=None, ctx=None):
                return run(step_id=step_id, config=config, inputs=inputs, ctx=ctx)

            def _unused(self):
                pass

        def run(*, step_id, config, inputs, ctx):
            \"\"\"The work.\"\"\"
            return _extract(config, ctx)

        def _extract(config, ctx):
            df = read(config)
            return {"df": df}
    """)
    chain = delegation(driver)
    assert [f.name.value for f in chain] == ["run", "run", "_extract"]
    assert describe(driver, chain[0]) == "run"
    assert describe(driver, chain[1]) == "the module function run"
    assert not placeholder_run(driver)


def test_a_module_function_named_like_a_method_is_named_as_one():
    driver = driver_of("""
        class OrdersExtractorDriver:
            def run(self, step_id, config, inputs, ctx):
                return _load(config)

            def _load(self, config):
                pass

        def _load(config):
            return {"df": read(config)}
    """)
    assert describe(driver, driver.functions["_load"]) == "the module function _load"
    assert describe(driver, driver.method("_load")) == "_load"


def test_an_abstract_run_is_a_placeholder():
    driver = driver_of("""
        class OrdersExtractorDriver:
            def run(self, step_id, config, inputs, ctx):
                raise NotImplementedError
    """)
    assert placeholder_run(driver)


def test_a_helper_returning_its_own_recursive_call_leaves_the_data_flow_rules_whole():
    # ValueFlow.returned_labels once summarised a helper's returned values after it had
    # stopped marking the helper as being summarised: `return self._page(...)` recursed
    # until Python's limit (OSD030 and OSD034 crashed, OSD903, after seconds).
    source = textwrap.dedent("""
        import pandas as pd


        class PagedExtractorDriver:
            def run(self, step_id, config, inputs, ctx):
                result = self._page(config, [], config.get("pages", 1))
                ctx.log_metric("rows_read", len(result["df"]))
                return result

            def _page(self, config, frames, remaining):
                frames.append(self._fetch(config, remaining))
                if remaining > 1:
                    return self._next(config, frames, remaining - 1)
                return {"df": pd.concat(frames)}

            def _next(self, config, frames, remaining):
                return self._page(config, frames, remaining)
    """)
    outcome = lint_files({"paged_extractor_driver.py": source}, all_codes())
    assert [f.message for f in outcome.findings if f.code == "OSD903"] == []
    assert not any(f.code in ("OSD010", "OSD011") for f in outcome.findings)
