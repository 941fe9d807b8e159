"""Read schemas built from several objects: named values, then each source in turn."""

from types import SimpleNamespace

import pytest
from pydantic import BaseModel, ConfigDict

from timeledger.kit.views import Attributes


class Shown(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    manager_ids: list[int]


ENTITY = SimpleNamespace(id=1, key="sales")
VERSION = SimpleNamespace(id=99, name="Sales", effective_from="2026-01-01")


def test_named_values_come_first_then_the_sources_in_order() -> None:
    attributes = Attributes(ENTITY, VERSION, key="named")
    assert (attributes.key, attributes.id, attributes.name) == ("named", 1, "Sales")
    assert Attributes(VERSION, ENTITY).id == 99


def test_a_schema_is_validated_from_them() -> None:
    shown = Shown.model_validate(Attributes(ENTITY, VERSION, manager_ids=[4]))
    assert shown == Shown(id=1, name="Sales", manager_ids=[4])


def test_an_attribute_no_source_has_is_missing() -> None:
    with pytest.raises(AttributeError):
        _ = Attributes(ENTITY, VERSION).manager_ids
    with pytest.raises(ValueError, match="manager_ids"):
        Shown.model_validate(Attributes(ENTITY, VERSION))
