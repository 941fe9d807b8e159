"""A route's dependencies solved by a plan worked out once, instead of FastAPI's walk.

FastAPI 0.165's `solve_dependencies` walks a route's dependency tree on every request
and asks the same questions of every node each time: whether an override replaces it,
whether its callable is a generator or a coroutine, its cache key, each parameter's
aliases, whether the parameter is a sequence, which location it is read from. Every
answer depends on the declaration alone. Measured in process on the benchmark dataset,
that walk was a quarter of an employee's month of entries, about 0.25 ms of every
ordinary read, more than its SQL.

`plan_of` works the tree out once into a `Plan`: the sub-dependencies in FastAPI's order
with their kind and cache key, and each parameter's aliases and flags. Solving a request
then only reads values and validates them with the parameter's own field, and answers
what FastAPI would: the same values, the same errors in the same order, the same
dependency cache. Whatever a plan does not cover (dependency overrides, websockets,
concurrency limits, security scopes, parameter models) is solved by FastAPI's own
function, so nothing is lost by a declaration this module does not know; `plan_of`
answers None for those. tests/kit/test_dependency_plans.py compares both solvers on
every parameter of every route and on dependency trees of every shape.

It replaces the name `solve_dependencies` in `fastapi.routing`, where the request handlers
call it; if FastAPI renames it, `solve_by_plans` fails at startup instead of silently
solving the slow way.
"""

from collections.abc import Callable, Mapping, Sequence
from copy import deepcopy
from dataclasses import dataclass
from enum import Enum
from operator import attrgetter
from typing import Any

import fastapi.dependencies.utils as solving
import fastapi.routing
from fastapi._compat import ModelField, get_missing_field_error
from fastapi.background import BackgroundTasks
from fastapi.dependencies.models import (
    Dependant,
    _is_async_gen_callable,
    _is_coroutine_callable,
    _is_gen_callable,
)
from fastapi.dependencies.utils import SolvedDependency
from pydantic_core import PydanticUndefined
from starlette.datastructures import Headers, ImmutableMultiDict
from starlette.requests import Request
from starlette.responses import Response

from timeledger.kit import param_facts
from timeledger.kit.uow import run_where_the_unit_works

ROUTING_NAME = "solve_dependencies"
"""The name under which `fastapi.routing`'s request handlers call the solver."""
ORIGINAL_SOLVE = solving.solve_dependencies


class Kind(Enum):
    COROUTINE = "coroutine"
    SYNCHRONOUS = "synchronous"
    GENERATOR = "generator"


@dataclass(frozen=True, slots=True)
class Parameter:
    """A declared path, query, header or cookie parameter, as FastAPI reads it."""

    field: ModelField
    name: str
    aliases: tuple[tuple[str, str], ...]
    read_as_list: bool
    """A sequence that is not JSON: every value of a repeated key (query, header)."""
    sequence: bool
    location: str
    required: bool
    default: Any
    validate_default: bool


@dataclass(frozen=True, slots=True)
class Step:
    """A sub-dependency: its own plan, then its call."""

    plan: "Plan"
    dependant: Dependant
    call: Callable[..., Any]
    name: str | None
    cache_key: Any
    use_cache: bool
    kind: Kind
    stack_key: str
    """The scope key of the exit stack a generator dependency's cleanup joins."""


@dataclass(frozen=True, slots=True)
class Plan:
    dependant: Dependant
    call: Callable[..., Any] | None
    steps: tuple[Step, ...]
    parameter_groups: tuple[tuple[tuple[Parameter, ...], "ReadFrom"], ...]
    """The path, query, header and cookie parameters that are declared, in FastAPI's
    order, each group with where the request holds its values."""
    has_body: bool
    request_names: tuple[str, ...]
    """Parameters that receive the request itself (`Request`, `HTTPConnection`)."""
    background_tasks_name: str | None
    response_name: str | None


ReadFrom = Callable[[Request], Mapping[str, Any]]
_READ_FROM: tuple[ReadFrom, ...] = (
    attrgetter("path_params"),
    attrgetter("query_params"),
    attrgetter("headers"),
    attrgetter("cookies"),
)
"""Where the request holds the values of each parameter group, in FastAPI's order."""

_PLANS: dict[int, tuple[Dependant, Callable[..., Any] | None, Plan | None]] = {}
"""Each dependant's plan by its id, beside the dependant (which keeps the id its own) and
the callable it was worked out for (a route replaces its endpoint's callable once)."""
_MOST_PLANS = 8192
"""More dependants than the routes declare (an override makes new ones per request): the
remembered plans start afresh rather than grow."""


def _parameter(field: ModelField) -> Parameter:
    annotation = field.field_info.annotation
    sequence = param_facts.field_annotation_is_sequence(annotation)
    return Parameter(
        field=field,
        name=field.name,
        aliases=tuple(param_facts.get_param_aliases(field)),
        read_as_list=sequence and not param_facts.is_json_field(field),
        sequence=sequence,
        location=field.field_info.in_.value,  # type: ignore[attr-defined]
        required=field.field_info.is_required(),
        default=field.default,
        validate_default=bool(field.field_info.validate_default),
    )


def _kind(call: Callable[..., Any]) -> Kind:
    if _is_gen_callable(call) or _is_async_gen_callable(call):
        return Kind.GENERATOR
    if _is_coroutine_callable(call):
        return Kind.COROUTINE
    return Kind.SYNCHRONOUS


def _parameters(fields: Sequence[ModelField]) -> tuple[Parameter, ...] | None:
    """The plan of these fields; None when one is a parameter model (left to FastAPI)."""
    if any(param_facts.get_param_model(field) is not None for field in fields):
        return None
    return tuple(_parameter(field) for field in fields)


def _work_out(dependant: Dependant) -> Plan | None:
    if (
        dependant.websocket_param_name
        or dependant.security_scopes_param_name
        or dependant.concurrency is not None
    ):
        return None
    steps = []
    for sub in dependant.dependencies:
        sub_plan = plan_of(sub)
        if sub_plan is None or sub.call is None:
            return None
        steps.append(
            Step(
                plan=sub_plan,
                dependant=sub,
                call=sub.call,
                name=sub.name,
                cache_key=param_facts.get_cache_key(dependant=sub),
                use_cache=sub.use_cache,
                kind=_kind(sub.call),
                stack_key=(
                    "fastapi_function_astack" if sub.scope == "function" else "fastapi_inner_astack"
                ),
            )
        )
    groups = []
    for fields, read_from in zip(
        (
            dependant.path_params,
            dependant.query_params,
            dependant.header_params,
            dependant.cookie_params,
        ),
        _READ_FROM,
        strict=True,
    ):
        parameters = _parameters(fields)
        if parameters is None:
            return None
        if parameters:
            groups.append((parameters, read_from))
    return Plan(
        dependant=dependant,
        call=dependant.call,
        steps=tuple(steps),
        parameter_groups=tuple(groups),
        has_body=bool(dependant.body_params),
        request_names=tuple(
            name
            for name in (dependant.http_connection_param_name, dependant.request_param_name)
            if name
        ),
        background_tasks_name=dependant.background_tasks_param_name,
        response_name=dependant.response_param_name,
    )


def plan_of(dependant: Dependant) -> Plan | None:
    """The plan of `dependant`, worked out at its first request; None when FastAPI's own
    solver has to walk it."""
    remembered = _PLANS.get(id(dependant))
    if remembered is not None and remembered[0] is dependant and remembered[1] is dependant.call:
        return remembered[2]
    if len(_PLANS) >= _MOST_PLANS:
        _PLANS.clear()
    plan = _work_out(dependant)
    _PLANS[id(dependant)] = (dependant, dependant.call, plan)
    return plan


def _values_of(
    parameters: tuple[Parameter, ...], received: Mapping[str, Any]
) -> tuple[dict[str, Any], list[Any]]:
    """`fastapi.dependencies.utils.request_params_to_args`, with the facts planned."""
    values: dict[str, Any] = {}
    errors: list[Any] = []
    multi = isinstance(received, ImmutableMultiDict | Headers)
    for parameter in parameters:
        alias = next(
            (pair[1] for pair in parameter.aliases if pair[1] in received),
            parameter.aliases[0][1],
        )
        value = (
            received.getlist(alias)  # type: ignore[attr-defined]
            if parameter.read_as_list and multi
            else received.get(alias)
        )
        loc = (parameter.location, alias)
        if value is None or (parameter.sequence and len(value) == 0):
            if parameter.required:
                errors.append(get_missing_field_error(loc=loc))
                continue
            value = deepcopy(parameter.default)
            if not parameter.validate_default:
                values[parameter.name] = value
                continue
        validated, field_errors = parameter.field.validate(value, values, loc=loc)
        if field_errors:
            errors.extend(field_errors)
        else:
            values[parameter.name] = validated
    return values, errors


@dataclass(slots=True)
class _Solving:
    """What one request's solving shares across the tree."""

    request: Request
    body: Any
    embed_body_fields: bool
    response: Response
    cache: dict[Any, Any]
    background_tasks: BackgroundTasks | None = None


async def _solve(plan: Plan, solving_: _Solving) -> tuple[dict[str, Any], list[Any]]:
    values: dict[str, Any] = {}
    errors: list[Any] = []
    cache = solving_.cache
    for step in plan.steps:
        sub_values, sub_errors = await _solve(step.plan, solving_)
        if sub_errors:
            errors.extend(sub_errors)
            continue
        if step.use_cache and step.cache_key in cache:
            solved = cache[step.cache_key]
        elif step.kind is Kind.COROUTINE:
            solved = await step.call(**sub_values)
        elif step.kind is Kind.SYNCHRONOUS:
            solved = await run_where_the_unit_works(step.call, **sub_values)
        else:
            solved = await solving._solve_generator(
                request=solving_.request,
                dependant=step.dependant,
                stack=solving_.request.scope[step.stack_key],
                sub_values=sub_values,
            )
        if step.name is not None:
            values[step.name] = solved
        if step.cache_key not in cache:
            cache[step.cache_key] = solved
    request = solving_.request
    for parameters, read_from in plan.parameter_groups:
        found, failed = _values_of(parameters, read_from(request))
        values.update(found)
        errors += failed
    if plan.has_body:
        found, failed = await solving.request_body_to_args(
            body_fields=plan.dependant.body_params,
            received_body=solving_.body,
            embed_body_fields=solving_.embed_body_fields,
        )
        values.update(found)
        errors.extend(failed)
    for name in plan.request_names:
        values[name] = request
    if plan.background_tasks_name:
        if solving_.background_tasks is None:
            solving_.background_tasks = BackgroundTasks()
        values[plan.background_tasks_name] = solving_.background_tasks
    if plan.response_name:
        values[plan.response_name] = solving_.response
    return values, errors


async def solve_dependencies(
    *,
    request: Any,
    dependant: Dependant,
    body: Any = PydanticUndefined,
    background_tasks: BackgroundTasks | None = None,
    response: Response | None = None,
    dependency_overrides_provider: Any | None = None,
    dependency_cache: dict[Any, Any] | None = None,
    async_exit_stack: Any,
    embed_body_fields: bool,
    **rest: Any,
) -> SolvedDependency:
    """FastAPI's `solve_dependencies`, by the dependant's plan where it has one."""
    plan = (
        None
        if (
            rest
            or background_tasks is not None
            or dependency_cache is not None
            or not isinstance(request, Request)
            or getattr(dependency_overrides_provider, "dependency_overrides", None)
        )
        else plan_of(dependant)
    )
    if plan is None:
        solved: SolvedDependency = await ORIGINAL_SOLVE(
            request=request,
            dependant=dependant,
            body=body,
            background_tasks=background_tasks,
            response=response,
            dependency_overrides_provider=dependency_overrides_provider,
            dependency_cache=dependency_cache,
            async_exit_stack=async_exit_stack,
            embed_body_fields=embed_body_fields,
            **rest,
        )
        return solved
    if response is None:
        response = Response()
        del response.headers["content-length"]
        response.status_code = None  # type: ignore[assignment]
    state = _Solving(request, body, embed_body_fields, response, {})
    values, errors = await _solve(plan, state)
    return SolvedDependency(
        values=values,
        errors=errors,
        background_tasks=state.background_tasks,
        response=response,
        dependency_cache=state.cache,
    )


def solve_by_plans() -> None:
    """Make FastAPI's request handlers solve by plans (idempotent)."""
    if getattr(fastapi.routing, ROUTING_NAME) not in (ORIGINAL_SOLVE, solve_dependencies):
        raise RuntimeError(f"fastapi.routing.{ROUTING_NAME} is not FastAPI's solver")
    setattr(fastapi.routing, ROUTING_NAME, solve_dependencies)
