"""OSD021 input-mutation."""

from __future__ import annotations

import libcst as cst

from ..analysis.dataflow import ValueFlow, key
from ..analysis.drivers import DriverClass, parameter_names
from ..analysis.held import NO_LABELS, Held, Labels
from ..engine.findings import Fix
from ..engine.rule import Example, FileContext, Rule

FRAME, INPUTS = "frame", "inputs"  # label kinds: an input DataFrame, the inputs dict
FRAME_METHODS_IN_PLACE = frozenset({"insert", "pop", "update"})
DICT_METHODS_IN_PLACE = frozenset({"pop", "popitem", "update", "clear", "setdefault"})


class InputMutation(Rule):
    code = "OSD021"
    message = "{what} changes {subject} in place; the contract says never modify inputs: " \
              "work on a copy (df = inputs[\"df\"].copy())"
    fixable = True
    explanation = """
## What it checks
In-place changes, in a writer's or transformer's `run` and the helpers it reaches at
any depth (methods through `self`, the module's functions by name), of a DataFrame that
came from `inputs`, or of the `inputs` dict itself.

A name holds an input frame when it is bound from `inputs["df"]` (any key),
`inputs.get("df")`, from another input frame by plain assignment (`frame = df`), by tuple
unpacking (`left, right = inputs["left"], inputs["right"]`), by a `for` over
`inputs.values()` or `inputs.items()`, or through `x or y` / `x if c else y`; a helper's
parameter holds one when `run` passes one to it. The binding is followed in order along
every path: after `df = df.copy()` (or `.copy(deep=True)`), or after `df` is rebound to the
result of any non-in-place method (`df.assign(...)`, `df.rename(columns=...)`,
`df[df.x > 0]`), `df` is no longer an input frame; `.copy(deep=False)` still is one.

In-place changes: item and slice assignment (`df["c"] = ...`, `df.loc[...] = ...`,
`.iloc`/`.at`/`.iat`), augmented assignment on those and on the frame itself (`df += 1` is
in place in pandas), `del df["c"]`, attribute assignment (`df.columns = ...`,
`df.index = ...`), any method call with `inplace=True` (also on a column:
`df["c"].fillna(0, inplace=True)`), and `insert`, `pop`, `update`; for the `inputs` dict,
item assignment and deletion (`inputs["df"] = ...`) and `pop`, `popitem`, `update`,
`clear`, `setdefault`.

## Why
"NEVER modify input DataFrames (use .copy())". The runner hands the same frame to every
step that reads the upstream output: a writer that adds a column or drops rows in place
changes what the next step sees, and the bug shows up far from its cause.

## Fix
Copy the frame where it is bound: `df = inputs["df"].copy()`. `--fix` does exactly this
when every binding the changed frame comes from is an assignment from `inputs[...]`; or
use a non-in-place method and rebind (`df = df.rename(columns=mapping)`).

## Not followed
Per function, over `run` and the helpers it reaches (each followed once, with what
the calls seen so far pass it; functions of other modules are not followed). Frames
stored in attributes (`self.df`) are followed only within the method
that stores them; frames in containers (`frames[0]`) or returned by helpers are not, nor
are frames passed to functions outside the class. Loops are followed once.

Decisions: any key of `inputs` is an input frame, not only `"df"` (multi-input
transformers read `inputs["left"]`); `inplace=` counts only with the literal `True`;
`df += x` counts, since pandas applies augmented operators in place.
"""
    VALID = [
        Example("""
            class PostgresWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = inputs["df"].copy()
                    df["loaded_at"] = self._now()
                    df.columns = [c.lower() for c in df.columns]
                    self._write(df, config)
                    return {}
        """, path="postgres_writer_driver.py"),
        Example("""
            class CleanTransformerDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = inputs.get("df")
                    df = df.rename(columns=config.get("rename", {}))
                    df["total"] = df["qty"] * df["price"]
                    active = inputs["df"][inputs["df"].status == "active"]
                    active.drop(columns=["status"], inplace=True)
                    return {"df": df.assign(n=len(active))}
        """, path="clean_transformer_driver.py"),
        Example("""
            class JoinTransformerDriver:
                def run(self, step_id, config, inputs, ctx):
                    left, right = inputs["left"].copy(deep=True), inputs["right"]
                    left["key"] = left["key"].str.upper()
                    merged = self._merge(left, right)
                    return {"df": merged}

                def _merge(self, left, right):
                    right = right.set_index("key")
                    right.sort_index(inplace=True)
                    left.reset_index(drop=True, inplace=True)
                    return left.join(right, on="key")
        """, path="join_transformer_driver.py"),
        Example("""
            import duckdb

            class DuckdbWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    frames = {}
                    for name, frame in inputs.items():
                        frames[name] = frame.assign(source=name)
                    con = duckdb.connect(config["path"])
                    con.register("df", frames["df"])
                    con.execute("INSERT INTO target SELECT * FROM df")
                    return {}
        """, path="duckdb_writer_driver.py"),
    ]
    INVALID = [
        Example("""
            import pymysql

            class MysqlWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = inputs["df"]
                    df.columns = [c.lower() for c in df.columns]  # expect: OSD021
                    df.loc[:, "loaded_at"] = self._now()  # expect: OSD021
                    rows = list(df.itertuples(index=False, name=None))
                    conn = pymysql.connect(**config["resolved_connection"], connect_timeout=10)
                    with conn.cursor() as cur:
                        cur.executemany("INSERT INTO t VALUES (%s, %s)", rows)
                    return {}
        """, path="mysql_writer_driver.py"),
        Example("""
            class CleanTransformerDriver:
                def run(self, step_id, config, inputs, ctx):
                    frame = inputs.get("df")
                    df = frame
                    df.dropna(subset=["id"], inplace=True)  # expect: OSD021
                    df["name"].fillna("", inplace=True)  # expect: OSD021
                    shallow = frame.copy(deep=False)
                    shallow.loc[shallow.qty < 0, "qty"] = 0  # expect: OSD021
                    df = df.copy()
                    df["ok"] = True
                    return {"df": df}
        """, path="clean_transformer_driver.py"),
        Example("""
            class JoinTransformerDriver:
                def run(self, step_id, config, inputs, ctx):
                    left, right = inputs["left"], inputs["right"]
                    merged = self._merge(left, right)
                    inputs["df"] = merged  # expect: OSD021
                    return {"df": merged}

                def _merge(self, left, right):
                    right.set_index("key", inplace=True)  # expect: OSD021
                    left.insert(0, "row", range(len(left)))  # expect: OSD021
                    return left.join(right, on="key")
        """, path="join_transformer_driver.py"),
        Example("""
            import sqlite3

            class SqliteWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    for df in inputs.values():
                        del df["_tmp"]  # expect: OSD021
                        df.pop("_row")  # expect: OSD021
                    df = inputs["df"] if inputs else None
                    if config.get("scale"):
                        df *= config["scale"]  # expect: OSD021
                    inputs.pop("df")  # expect: OSD021
                    with sqlite3.connect(config["path"]) as conn:
                        df.to_sql(config["table"], conn, if_exists="append", index=False)
                    return {}
        """, path="sqlite_writer_driver.py"),
    ]

    def check_driver(self, driver: DriverClass, file: FileContext) -> None:
        names = parameter_names(driver.run)
        inputs = names[3] if len(names) > 3 else "inputs"
        _Mutations(self, file).analyse_driver(driver, Held.of([(inputs, (INPUTS, None))]))


class _Mutations(ValueFlow):
    """Labels: ``(FRAME, origin)`` for an input frame, where ``origin`` is the
    ``inputs[...]`` expression it came from (None when unknown); ``(INPUTS, None)``
    for the inputs dict."""

    def __init__(self, rule: InputMutation, file: FileContext) -> None:
        super().__init__()
        self.rule = rule
        self.file = file
        self.reported: set[cst.CSTNode] = set()
        self.bound: set[cst.CSTNode] = set()  # inputs[...] expressions bound by an assignment

    def labels(self, node: cst.BaseExpression, state: Held) -> Labels:
        if (name := key(node)) is not None and (held := state.labels_of(name)):
            return held
        if type(node) is cst.Subscript:
            return frozenset({(FRAME, node)}) if self._kinds(node.value, state) & {INPUTS} \
                else NO_LABELS
        if type(node) is cst.Call and type(node.func) is cst.Attribute:
            return self._method_result(node, node.func.attr.value, state)
        if type(node) is cst.IfExp:
            return self.labels(node.body, state) | self.labels(node.orelse, state)
        if type(node) is cst.BooleanOperation:
            return self.labels(node.left, state) | self.labels(node.right, state)
        return NO_LABELS

    def _method_result(self, call: cst.Call, method: str, state: Held) -> Labels:
        receiver = call.func.value
        if INPUTS in self._kinds(receiver, state) and method in ("get", "values", "items"):
            return frozenset({(FRAME, None)})
        if method == "copy" and not _deep(call):
            return frozenset(label for label in self.labels(receiver, state) if label[0] == FRAME)
        return NO_LABELS

    def element_labels(self, node: cst.BaseExpression, state: Held) -> Labels:
        if type(node) in (cst.List, cst.Tuple):
            return frozenset().union(*(self.labels(e.value, state) for e in node.elements))
        if type(node) is cst.Call and type(node.func) is cst.Attribute \
                and node.func.attr.value in ("values", "items"):
            return self.labels(node, state)
        return NO_LABELS

    def assign(self, state: Held, target: cst.BaseExpression, value: cst.BaseExpression) -> Held:
        values = [e.value for e in value.elements] if type(value) in (cst.Tuple, cst.List) \
            else [value]
        self.bound.update(v for v in values if type(v) is cst.Subscript)
        return super().assign(state, target, value)

    def _kinds(self, node: cst.BaseExpression, state: Held) -> set[str]:
        return {kind for kind, _ in self.labels(node, state)}

    def check(self, node: cst.CSTNode, state: Held, calls: list[cst.CSTNode]) -> None:
        if type(node) is cst.Assign:
            for target in node.targets:
                self._target(node, target.target, state, "assignment to")
        elif type(node) is cst.AugAssign:
            self._target(node, node.target, state, "augmented assignment to", itself=True)
        elif type(node) is cst.Del:
            targets = [e.value for e in node.target.elements] \
                if type(node.target) is cst.Tuple else [node.target]
            for target in targets:
                self._target(node, target, state, "del")
        for call in calls:
            if type(call.func) is cst.Attribute:
                self._call(call, call.func, state)

    def _target(self, node: cst.CSTNode, target: cst.BaseExpression, state: Held, what: str,
                itself: bool = False) -> None:
        """``itself``: the frame's own name counts (``df += 1`` changes ``df`` in place)."""
        if type(target) is cst.Subscript and INPUTS in self._kinds(target.value, state):
            self._report(node, f"{what} {_code(target)}", "the inputs dict", NO_LABELS)
            return
        if not itself and type(target) not in (cst.Subscript, cst.Attribute):
            return
        root = target if itself else target.value
        frame = self._frame_under(root, state, through_attributes=True)
        if frame is not None:
            self._report(node, f"{what} {_code(target)}", *frame)

    def _call(self, call: cst.Call, func: cst.Attribute, state: Held) -> None:
        method = func.attr.value
        if INPUTS in self._kinds(func.value, state) and method in DICT_METHODS_IN_PLACE:
            self._report(call, f"inputs.{method}(...)", "the inputs dict", NO_LABELS)
            return
        if _in_place_keyword(call):
            frame = self._frame_under(func.value, state, through_attributes=True)
        elif method in FRAME_METHODS_IN_PLACE:
            frame = self._frame_under(func.value, state, through_attributes=False)
        else:
            return
        if frame is not None:
            self._report(call, f"{_code(func)}(...)", *frame)

    def _frame_under(self, node: cst.BaseExpression, state: Held,
                     through_attributes: bool) -> tuple[str, Labels] | None:
        """(subject, labels) of the input frame ``node`` is, or is an item (or, with
        ``through_attributes``, an attribute such as ``.loc``) of."""
        while True:
            frames = frozenset(label for label in self.labels(node, state) if label[0] == FRAME)
            if frames:
                return f"the input DataFrame {_code(node)}", frames
            if type(node) is cst.Subscript or (through_attributes
                                                   and type(node) is cst.Attribute):
                node = node.value
            else:
                return None

    def _report(self, node: cst.CSTNode, what: str, subject: str, frames: Labels) -> None:
        if node in self.reported:
            return
        self.reported.add(node)
        origins = {origin for _, origin in frames}
        fix = None
        if origins and all(o in self.bound for o in origins):
            fix = Fix("Copy the input DataFrame where it is bound",
                      {o: cst.Call(cst.Attribute(o, cst.Name("copy"))) for o in origins})
        self.file.report(self.rule, node, fix=fix, what=what, subject=subject)


def _deep(call: cst.Call) -> bool:
    """``.copy()`` copies deeply unless told ``deep=False`` (or ``copy(False)``)."""
    for arg in call.args:
        if arg.keyword is None or arg.keyword.value == "deep":
            return not (type(arg.value) is cst.Name and arg.value.value == "False")
    return True


def _in_place_keyword(call: cst.Call) -> bool:
    return any(a.keyword is not None and a.keyword.value == "inplace"
               and type(a.value) is cst.Name and a.value.value == "True" for a in call.args)


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)
