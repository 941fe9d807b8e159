"""The remembered facts about declared parameters are FastAPI's own answers."""

from typing import Any

import fastapi.dependencies.utils as solving
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from timeledger.app import ROUTE_TABLE, create_app
from timeledger.kit.param_facts import ORIGINAL, REMEMBERING
from timeledger.kit.routing import with_dependencies


def _declared_parameters() -> list[Any]:
    found = []
    for route in ROUTE_TABLE.routes:
        if isinstance(route, APIRoute):
            for dependant in with_dependencies(route.dependant):
                found += [*dependant.query_params, *dependant.header_params]
                found += [*dependant.cookie_params, *dependant.path_params]
    return found


def test_an_app_answers_with_the_remembering_helpers() -> None:
    create_app()
    for name, helper in REMEMBERING.items():
        assert getattr(solving, name) is helper


def test_every_parameter_of_every_route_gets_fastapis_own_answers_twice() -> None:
    parameters = _declared_parameters()
    assert len(parameters) > 300
    for field in parameters:
        for _ in range(2):
            annotation = field.field_info.annotation
            assert REMEMBERING["field_annotation_is_sequence"](annotation) == ORIGINAL[
                "field_annotation_is_sequence"
            ](annotation)
            assert REMEMBERING["_get_param_model"](field) == ORIGINAL["_get_param_model"](field)
            for convert in (False, True):
                assert REMEMBERING["_get_param_aliases"](
                    field, convert_underscores=convert
                ) == ORIGINAL["_get_param_aliases"](field, convert_underscores=convert)
            assert REMEMBERING["_is_json_field"](field) == ORIGINAL["_is_json_field"](field)


def test_every_dependency_of_every_route_gets_fastapis_own_cache_key_twice() -> None:
    dependants = [
        dependant
        for route in ROUTE_TABLE.routes
        if isinstance(route, APIRoute)
        for dependant in with_dependencies(route.dependant)
    ]
    assert len(dependants) > 500
    for dependant in dependants:
        for _ in range(2):
            assert REMEMBERING["_get_cache_key"](dependant=dependant) == ORIGINAL["_get_cache_key"](
                dependant=dependant
            )


def test_a_dependency_whose_callable_changed_gets_its_new_cache_key() -> None:
    async def first() -> None: ...

    async def second() -> None: ...

    dependant = Dependant(call=first)
    assert REMEMBERING["_get_cache_key"](dependant=dependant)[0] is first
    dependant.call = second
    assert REMEMBERING["_get_cache_key"](dependant=dependant)[0] is second
