"""OSD001 run-signature."""

from __future__ import annotations

import re

import libcst as cst

from ..analysis.drivers import DriverClass, literal_string
from ..analysis.names import ImportMap, dotted
from ..engine.rule import Example, FileContext, Rule

CONTRACT_PARAMETERS = ("self", "step_id", "config", "inputs", "ctx")
DICT_ANNOTATIONS = ("dict", "Dict", "typing.Dict", "builtins.dict")
STRING_DICT_ANNOTATION = re.compile(r"(builtins\.|typing\.)?(dict|Dict)(\[.*\])?")


class RunSignature(Rule):
    code = "OSD001"
    skips_opaque_run = False  # a base class's abstract run still fixes the signature
    message = "{problem}; the contract's signature is run(self, step_id, config, inputs, ctx) -> dict"
    explanation = """
## What it checks
That every driver's `run` has the contract's signature:
`run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict`. It flags
parameters that are missing, misnamed or out of order, `*args`/`**kwargs` in place of
the named parameters, contract parameters made positional-only (before `/`), further
parameters without a default, a `run` that is a `@staticmethod` or `@classmethod`, and a
return annotation other than `dict`, `dict[...]` or `Dict[...]`.

## Why
The runner calls every driver the same way, by keyword:
`driver.run(step_id=..., config=..., inputs=..., ctx=...)`. A driver whose parameters
are named differently fails at run time, in production, with a `TypeError`.

## Accepted
A bare `*` before `step_id` (keyword-only parameters, as the public Osiris drivers
write them), defaults on `inputs` and `ctx`, any annotations on the parameters (or none),
extra parameters that have defaults, `*args`/`**kwargs` after the five named parameters,
and the return annotation as a string (`-> "dict[str, Any]"`) or through an import alias
(`import typing as t` ... `-> t.Dict[str, t.Any]`).

## Decisions
A bare `*` placed after `step_id` makes only some of the contract's parameters
keyword-only; that is reported, since callers that pass them positionally, as the
contract's signature allows, fail. `async def run` is not reported here: the catalogue
does not list it.

## Not followed
Whether the annotations of the parameters are right, a `run` assigned from elsewhere
(`run = shared_run`), and what a decorator other than `staticmethod`/`classmethod` does
to the signature.

## Example
```python
def run(self, step_id, config, inputs, context):   # OSD001: 'context' should be 'ctx'
```
## Fix
```python
def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
```
"""
    VALID = [
        Example("""
            class OrdersExtractorDriver:
                def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
                    ...
        """),
        Example("""
            from typing import Any, Dict

            class MysqlExtractorDriver:
                def run(self, *, step_id: str, config: dict, inputs: dict | None = None,
                        ctx: Any = None) -> Dict[str, Any]:
                    ...
        """),
        Example("""
            class CsvWriterDriver:
                def run(self, step_id, config, inputs=None, ctx=None, *, batch_size=1000):
                    ...
        """, path="csv_writer_driver.py"),
        Example("""
            import typing as t


            class DuckdbWriterDriver:
                def run(self, step_id, config, inputs=None, ctx=None, **options) -> t.Dict[str, t.Any]:
                    ...


            class DuckdbExtractorDriver:
                def run(self, /, step_id, config, inputs, ctx, *args) -> "dict[str, object]":
                    ...
        """, path="duckdb_drivers.py"),
        Example("""
            class JobScheduler:
                @staticmethod
                def run(job):
                    return job()
        """, path="scheduler.py"),
    ]
    INVALID = [
        Example("""
            class PostgresExtractorDriver:
                def run(self, step_id, config, inputs, context):  # expect: OSD001
                    ...
        """),
        Example("""
            class SqliteWriterDriver:
                def run(self, *args, **kwargs):  # expect: OSD001
                    ...
        """, path="sqlite_writer_driver.py"),
        Example("""
            class DuckdbExtractorDriver:
                @staticmethod  # expect: OSD001
                def run(step_id, config, inputs, ctx):  # expect: OSD001
                    ...
        """),
        Example("""
            import pandas as pd

            class CsvExtractorDriver:
                def run(self, step_id, config, inputs, ctx, limit) -> pd.DataFrame:  # expect: OSD001, OSD001
                    ...
        """),
        Example("""
            class ApiExtractorDriver:
                def run(self, config, step_id, inputs, ctx):  # expect: OSD001
                    ...
        """),
        Example("""
            from typing import Any, Optional


            class GraphqlExtractorDriver:
                def run(self, step_id, config, inputs, ctx, /):  # expect: OSD001
                    ...


            class PosthogExtractorDriver:
                def run(self, step_id, config, **kwargs) -> Optional[dict]:  # expect: OSD001, OSD001
                    ...


            class SupabaseWriterDriver:
                def run(self, step_id, config, inputs, ctx) -> "pd.DataFrame":  # expect: OSD001
                    ...
        """, path="osiris_drivers.py"),
    ]

    def check_driver(self, driver: DriverClass, file: FileContext) -> None:
        run = driver.run
        for decorator in run.decorators:
            kind = dotted(decorator.decorator)
            if kind in ("staticmethod", "classmethod"):
                file.report(self, decorator, problem=f"run is a @{kind}, so the runner's call "
                                                     f"cannot pass self")
        self._check_parameters(run, file)
        returns = run.returns.annotation if run.returns else None
        if returns is not None and not _is_dict_annotation(returns, file.imports):
            file.report(self, returns, problem="run is annotated to return something other "
                                               "than a dict")

    def _check_parameters(self, run: cst.FunctionDef, file: FileContext) -> None:
        params = run.params
        named = [*params.posonly_params, *params.params, *params.kwonly_params]
        if len(named) < len(CONTRACT_PARAMETERS):
            for star, label in ((params.star_arg, "*args"), (params.star_kwarg, "**kwargs")):
                if type(star) is cst.Param:
                    file.report(self, star, problem=f"{label} stands in for named parameters")
                    return
        keyword_only = set(map(id, params.kwonly_params))
        for position, expected in enumerate(CONTRACT_PARAMETERS):
            if position >= len(named):
                file.report(self, run.name, problem=f"parameter {expected!r} is missing")
                return
            param = named[position]
            if param.name.value != expected:
                file.report(self, param, problem=f"parameter {position + 1} is "
                                                 f"{param.name.value!r}, not {expected!r}")
                return
            if position == 0 and id(param) in keyword_only:
                file.report(self, param, problem="self is keyword-only")
                return
        positional_only = list(params.posonly_params[1:len(CONTRACT_PARAMETERS)])
        if positional_only:
            file.report(self, positional_only[0], problem=(
                f"{positional_only[0].name.value!r} is positional-only (before /), so the "
                f"runner's call by keyword fails"))
            return
        if params.kwonly_params and id(named[1]) not in keyword_only \
                and any(id(p) in keyword_only for p in named[2:5]):
            file.report(self, named[1], problem="only some of the contract's parameters are "
                                                "keyword-only; put the bare * before step_id")
        for extra in named[5:]:
            if extra.default is None:
                file.report(self, extra, problem=f"extra parameter {extra.name.value!r} has "
                                                 f"no default, so the runner cannot call run")


def _is_dict_annotation(node: cst.BaseExpression, imports: ImportMap) -> bool:
    """``dict``, ``dict[...]``, ``Dict[...]``, through import aliases, or the same as a string."""
    text = literal_string(node)
    if text is not None:
        return STRING_DICT_ANNOTATION.fullmatch(text.strip()) is not None
    if type(node) is cst.Subscript:
        node = node.value
    return dotted(node) in DICT_ANNOTATIONS or imports.qualify(node) in DICT_ANNOTATIONS
