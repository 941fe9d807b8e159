"""FastAPI's facts about a declared parameter or dependency, worked out once.

FastAPI 0.165 derives the same facts about every query, header and cookie parameter on
every request: whether its annotation is a sequence, whether it is a parameter model, its
aliases, whether it is JSON. They depend on the declaration alone. Measured in process on
the benchmark dataset, working them out again took 0.3 ms of the 1.6 ms of a request to
the entry list (21 parameters), a fifth of the ordinary path. `remember_parameter_facts`
replaces those four helpers of `fastapi.dependencies.utils` with versions that remember
each answer: on the parameter's own object (a declaration lives as long as its route) or,
for annotations, by the annotation. Every answer is the helper's own, so validation,
errors and the OpenAPI document are unchanged (tests/kit/test_param_facts.py compares
them for every parameter of every route). If FastAPI renames a helper, importing this
module fails: an upgrade cannot silently drop the patch.

A dependency's cache key (its callable, the security scopes it needs, its scope) is a fact
of its declaration too; FastAPI worked it out for every dependency of every request, about
a third of its dependency solving on an ordinary read. It is remembered per dependency.
"""

import functools
from collections.abc import Callable
from typing import Any

import fastapi.dependencies.utils as solving
from fastapi.dependencies.models import Dependant

_REMEMBERED = "_timeledger_facts"
ORIGINAL: dict[str, Callable[..., Any]] = {
    name: getattr(solving, name)
    for name in (
        "field_annotation_is_sequence",
        "_get_param_model",
        "_get_param_aliases",
        "_is_json_field",
        "_get_cache_key",
    )
}
_MOST_REMEMBERED_KEYS = 8192
"""More dependencies than the routes declare (an override makes new ones per request):
the remembered keys start afresh rather than grow."""
_CACHE_KEYS: dict[int, tuple[Dependant, Any, Any]] = {}


@functools.lru_cache(maxsize=4096)
def _annotation_is_sequence(annotation: object) -> bool:
    return bool(ORIGINAL["field_annotation_is_sequence"](annotation))


def field_annotation_is_sequence(annotation: object) -> bool:
    try:
        return _annotation_is_sequence(annotation)
    except TypeError:  # an unhashable annotation
        return bool(ORIGINAL["field_annotation_is_sequence"](annotation))


def _remembered(field: Any, key: Any, work_out: Callable[[], Any]) -> Any:
    facts: dict[Any, Any] = field.__dict__.setdefault(_REMEMBERED, {})
    if key not in facts:
        facts[key] = work_out()
    return facts[key]


def get_param_model(field: Any) -> Any:
    return _remembered(field, "model", lambda: ORIGINAL["_get_param_model"](field))


def get_param_aliases(field: Any, *, convert_underscores: bool = False) -> Any:
    return _remembered(
        field,
        ("aliases", convert_underscores),
        lambda: ORIGINAL["_get_param_aliases"](field, convert_underscores=convert_underscores),
    )


def is_json_field(field: Any) -> bool:
    return bool(_remembered(field, "json", lambda: ORIGINAL["_is_json_field"](field)))


def get_cache_key(*, dependant: Dependant, uses_scopes_cache: Any = None) -> Any:
    """Remembered by the dependency's identity and its callable: a route replaces its
    endpoint's callable once, when it builds its handler."""
    remembered = _CACHE_KEYS.get(id(dependant))
    if remembered is not None and remembered[0] is dependant and remembered[1] is dependant.call:
        return remembered[2]
    key = ORIGINAL["_get_cache_key"](dependant=dependant, uses_scopes_cache=uses_scopes_cache)
    if len(_CACHE_KEYS) >= _MOST_REMEMBERED_KEYS:
        _CACHE_KEYS.clear()
    _CACHE_KEYS[id(dependant)] = (dependant, dependant.call, key)
    return key


REMEMBERING: dict[str, Callable[..., Any]] = {
    "field_annotation_is_sequence": field_annotation_is_sequence,
    "_get_param_model": get_param_model,
    "_get_param_aliases": get_param_aliases,
    "_is_json_field": is_json_field,
    "_get_cache_key": get_cache_key,
}


def remember_parameter_facts() -> None:
    """Install the remembering helpers (idempotent)."""
    for name, helper in REMEMBERING.items():
        setattr(solving, name, helper)
