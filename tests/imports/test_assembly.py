"""Ids of rows without the product's id: stable for the same content, distinct otherwise."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from timeledger.imports.assembly import RowAssembly, RowDraft, content_digest

DRAFT = RowDraft(day=date(2026, 3, 2), duration_seconds=Decimal(60), person_name="Ann")
cells = st.lists(st.text(max_size=12), max_size=6)


def ids_of(*contents: list[str]) -> list[str]:
    assembly = RowAssembly("toggl-csv")
    return [assembly.row(n, DRAFT, content).source_row_id for n, content in enumerate(contents)]


@given(cells)
def test_the_same_content_gets_the_same_id_in_every_reading(content: list[str]) -> None:
    assert ids_of(content) == ids_of(list(content))


@given(cells, cells)
def test_different_content_gets_different_ids(first: list[str], second: list[str]) -> None:
    if first != second:
        assert content_digest(first) != content_digest(second)
        assert len(set(ids_of(first, second))) == 2


def test_no_two_lists_of_cells_share_a_digest_by_where_they_split() -> None:
    assert content_digest(["ab", "c"]) != content_digest(["a", "bc"])
    assert content_digest(["a\x1fb"]) != content_digest(["a", "b"])


@given(cells, st.integers(min_value=2, max_value=5))
def test_repeated_content_gets_a_new_id_per_occurrence_the_same_each_reading(
    content: list[str], times: int
) -> None:
    first = ids_of(*[content] * times)

    assert len(set(first)) == times
    assert first == ids_of(*[content] * times)


def test_the_products_own_id_is_the_rows_id_and_minutes_are_carried() -> None:
    assembly = RowAssembly("kimai-csv")
    draft = RowDraft(day=date(2026, 3, 2), duration_seconds=Decimal(40), product_id="17")

    rows = [assembly.row(2, draft, []), assembly.row(3, draft, [])]

    assert [(row.source_row_id, row.minutes) for row in rows] == [("17", 1), ("17", 0)]
