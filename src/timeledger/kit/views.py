"""Read schemas built from the rows they show. A schema read from one row is
`Schema.model_validate(row)` with `from_attributes` in its config; `view_of` builds one from
several rows and computed values. Either way a field added to a schema needs no mapper."""

from functools import cache
from typing import Any, TypeVar

from pydantic import AliasChoices, BaseModel

SchemaT = TypeVar("SchemaT", bound=BaseModel)
_MISSING = object()


@cache
def _names_read(schema: type[BaseModel]) -> tuple[tuple[str, ...], ...]:
    """For each field of `schema`, the names it is read by: its validation aliases that
    are plain names (a column named otherwise), else its own name."""
    names = []
    for name, field in schema.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.append(tuple(choice for choice in alias.choices if isinstance(choice, str)))
        else:
            names.append((alias if isinstance(alias, str) else name,))
    return tuple(names)


def view_of(schema: type[SchemaT], *sources: object, **values: Any) -> SchemaT:
    """`schema` with each field taken from `values` when given there, else from the first
    of `sources` having it (an entity before its version on a day, so the entity's `id`
    wins). Reads only the schema's fields, which keeps it as fast as a hand-written
    constructor call."""
    data: dict[str, Any] = {}
    for names in _names_read(schema):
        for name in names:
            value = values.get(name, _MISSING)
            for source in sources:
                if value is not _MISSING:
                    break
                value = getattr(source, name, _MISSING)
            if value is not _MISSING:
                data[name] = value
                break
    return schema.model_validate(data)
