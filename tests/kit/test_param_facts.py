"""The remembered facts about declared parameters are FastAPI's own answers."""

from typing import Any

import fastapi.dependencies.utils as solving
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
