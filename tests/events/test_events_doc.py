"""docs/events.md names every entity of the change log with the permission that shows its
events, as events/catalog.py has them."""

from pathlib import Path

from timeledger.events.catalog import READINGS

DOC = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def _visibility_rows() -> dict[str, list[str]]:
    """The rows of the table of who sees which entity: each type prefix named in the first
    cell, with the row's cells."""
    lines = DOC.read_text().splitlines()
    start = lines.index(
        "| Entity (type prefix) | Shown to callers holding | Within an `own`/`team` scope |"
    )
    rows: dict[str, list[str]] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        for name in cells[0].split(","):
            prefix = name.strip().strip("`")
            assert prefix not in rows, f"{prefix} is documented twice"
            rows[prefix] = cells
    return rows


def test_every_entity_is_documented_with_the_permission_that_shows_it() -> None:
    rows = _visibility_rows()
    expected = {entity.replace("-", "_") for entity in READINGS}
    assert set(rows) == expected
    for entity, reading in READINGS.items():
        cells = rows[entity.replace("-", "_")]
        assert cells[1].startswith(f"`{reading.area}:{reading.action}`"), entity


def test_entities_shown_to_whom_they_concern_say_so() -> None:
    rows = _visibility_rows()
    concerned = [entity for entity, reading in READINGS.items() if reading.reach == "concerned"]
    assert concerned == ["approval"]
    for entity in concerned:
        assert "data.user_ids" in rows[entity.replace("-", "_")][2], entity
