"""Read schemas built from the rows they show: `Schema.model_validate(row)` with
`from_attributes` in the schema's config, so a field added to a schema needs no mapper."""

from typing import Any

_MISSING = object()


class Attributes:
    """One object to build a read schema from several: the values given by name first, then
    the attributes of each source in the order given (an entity before its version on a
    day, say, so the entity's `id` wins)."""

    __slots__ = ("_sources", "_values")

    def __init__(self, *sources: object, **values: Any) -> None:
        self._sources = sources
        self._values = values

    def __getattr__(self, name: str) -> Any:
        if name in self._values:
            return self._values[name]
        for source in self._sources:
            value = getattr(source, name, _MISSING)
            if value is not _MISSING:
                return value
        raise AttributeError(name)
