"""Read schemas built from several rows and computed values."""

from types import SimpleNamespace

import pytest
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from timeledger.kit.views import view_of


class Part(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int


class Shown(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    occurred_at: str = Field(validation_alias=AliasChoices("occurred_at", "at"))
    manager_ids: list[int]
    parts: list[Part] = []


ENTITY = SimpleNamespace(id=1, key="sales", at="2026-01-01T00:00:00Z")
VERSION = SimpleNamespace(id=99, name="Sales", effective_from="2026-01-01")


def test_values_given_come_first_then_the_rows_in_order() -> None:
    shown = view_of(Shown, ENTITY, VERSION, manager_ids=[4], name="Given")
    assert (shown.id, shown.name, shown.manager_ids) == (1, "Given", [4])
    assert view_of(Shown, VERSION, ENTITY, manager_ids=[]).id == 99


def test_a_field_is_read_by_its_validation_alias() -> None:
    shown = view_of(Shown, ENTITY, VERSION, manager_ids=[])
    assert shown.occurred_at == "2026-01-01T00:00:00Z"


def test_nested_schemas_are_read_from_their_rows() -> None:
    shown = view_of(Shown, ENTITY, VERSION, manager_ids=[], parts=[SimpleNamespace(id=3)])
    assert shown.parts == [Part(id=3)]


def test_a_field_no_row_has_is_missing() -> None:
    with pytest.raises(ValidationError, match="manager_ids"):
        view_of(Shown, ENTITY, VERSION)
