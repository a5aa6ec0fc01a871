"""The shared data flow: Flow's merge and binding hook, ValueFlow's bookkeeping
(assignments, unpacking, loops, helpers one level deep), anchors, PerFile."""

import textwrap

import libcst as cst
from osiris_driver_kit.linter.analysis.dataflow import ValueFlow, anchor, key
from osiris_driver_kit.linter.analysis.drivers import find_drivers
from osiris_driver_kit.linter.analysis.filestate import PerFile
from osiris_driver_kit.linter.analysis.flow import Flow
from osiris_driver_kit.linter.analysis.held import Held
from osiris_driver_kit.linter.analysis.reach import arguments_by_parameter
from osiris_driver_kit.linter.analysis.walk import Walk


def parse(source):
    return cst.parse_module(textwrap.dedent(source))


def function(source):
    return parse(source).body[0]


class Tainted(ValueFlow):
    """Labels a value "t" when it mentions a tainted name; records the state at each
    ``sink(x)`` call."""

    def __init__(self):
        super().__init__()
        self.seen = {}

    def labels(self, node, state):
        if (name := key(node)) is not None and state.labels_of(name):
            return state.labels_of(name)
        return frozenset().union(*(self.labels(c, state) for c in node.children))

    def check(self, node, state, parts):
        for call in parts:
            if getattr(call.func, "value", None) == "sink":
                self.seen[call.args[0].value.value] = self.labels(call.args[0].value, state)


BRANCHES = function('''
    def run(self, step_id, config, inputs, ctx):
        if config:
            a = config
        else:
            a = 1
        for b in [config]:
            pass
        c, d = config, 2
        sink(a)
        sink(b)
        sink(c)
        sink(d)
        c = 3
        sink(c)
''')


def test_value_flow_merges_paths_by_union_and_binds_loops_and_unpacking():
    flow = Tainted()
    flow.analyse(BRANCHES, Held.of([("config", "t")]))
    assert flow.seen == {"a": {"t"}, "b": {"t"}, "c": set(), "d": set()}


def test_the_default_flow_still_keeps_only_facts_of_every_path():
    def effect(node, state):
        if isinstance(node, cst.Assign) and key(node.targets[0].target) == "a":
            return state | {"a bound"}
        return state
    [exit] = Flow(effect).run(BRANCHES)
    assert "a bound" in exit.state
    one_branch = function('''
        def run(self, step_id, config, inputs, ctx):
            if config:
                a = config
    ''')
    [exit] = Flow(effect).run(one_branch)
    assert exit.state == frozenset()
    [exit] = Flow(effect, merge=frozenset.union).run(one_branch)
    assert exit.state == {"a bound"}


def test_may_analysis_handlers_see_what_the_try_body_bound():
    flow = Tainted()
    flow.analyse(function('''
        def run(self, step_id, config, inputs, ctx):
            try:
                url = config
                connect(url)
            except OSError:
                sink(url)
    '''), Held.of([("config", "t")]))
    assert flow.seen == {"url": {"t"}}


def test_helpers_called_by_run_start_with_what_run_passed_them_one_level_deep():
    module = parse('''
        class OrdersExtractorDriver:
            def run(self, step_id, config, inputs, ctx):
                self._first(config, other=1)
                self._second(value=config)

            def _first(self, value, other):
                sink(value)
                sink(other)
                self._third(value)

            def _second(self, value):
                sink(value)

            def _third(self, value):
                sink(third_value=value)
    ''')
    [driver] = find_drivers(module, "orders_extractor_driver.py", [])
    flow = Tainted()
    flow.analyse_driver(driver, Held.of([("config", "t")]))
    assert flow.seen == {"value": {"t"}, "other": set()}


def test_arguments_are_matched_to_parameters_by_position_and_keyword():
    method = function("def helper(self, a, b=1, *, c=2):\n    pass\n")
    call = cst.parse_expression("self.helper(x, c=z, d=w)")
    code = cst.Module([]).code_for_node
    assert {p: code(v) for p, v in arguments_by_parameter(call, method).items()} == \
        {"a": "x", "c": "z"}
    # A module function called by name keeps its first parameter.
    helper = function("def helper(a, b=1):\n    pass\n")
    assert {p: code(v) for p, v in
            arguments_by_parameter(cst.parse_expression("helper(x, y)"), helper).items()} == \
        {"a": "x", "b": "y"}


def test_keys_name_items_and_attributes():
    assert key(cst.parse_expression('config["query"]')) == "config['query']"
    assert key(cst.parse_expression('config.get("query", "")')) == "config['query']"
    assert key(cst.parse_expression("self.conn")) == "self.conn"
    assert key(cst.parse_expression("config[name]")) is None


def anchors_of(source):
    """What ``anchor`` says for every call in ``source``, as code."""
    module = parse(source)
    found = {}

    def record(node, walk):
        where = anchor(walk.ancestors, node)
        code = cst.Module([]).code_for_node
        found[code(node.func)] = None if where is None else (
            where[0].name.value if where[0] else None, code(where[1]).strip())
    Walk({cst.Call: [record]}).run(module)
    return found


def test_anchors_are_the_statements_and_headers_flow_hands_to_its_effect():
    assert anchors_of('''
        log(1)

        @decorate(2)
        def f(x=default()):
            y = g(lambda: h())
            if test():
                pass
            for i in items():
                pass
            with opened() as f:
                pass
    ''') == {
        "log": (None, "log(1)"),
        "decorate": None,
        "default": None,
        "g": ("f", "y = g(lambda: h())"),
        "h": ("f", "y = g(lambda: h())"),
        "test": ("f", "test()"),
        "items": ("f", "items()"),
        "opened": ("f", "opened()"),
    }


def test_per_file_gatherings_are_fresh_for_each_file_and_handed_over_once():
    gathered = PerFile(list)
    first, second = object(), object()
    gathered(first).append(1)
    assert gathered(first) == [1]
    assert gathered(second) == []
    gathered(second).append(2)
    assert gathered.take(first) is None
    assert gathered(second) == []
    gathered(second).append(3)
    assert gathered.take(second) == [3]
    assert gathered.take(second) is None
