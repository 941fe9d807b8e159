"""From what a reader found in a row to an `ImportedRow`: its id, its whole minutes."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from timeledger.imports.rows import ImportedRow, WallClockTime
from timeledger.imports.values import MinuteCarry

FORMULA_STARTS = ("=", "+", "-", "@")
"""A cell beginning with one of these is a formula to a spreadsheet (formula injection)."""


@dataclass(frozen=True, slots=True)
class RowDraft:
    """What a product's reader found in a row, before ids and minutes are given."""

    day: date
    duration_seconds: Decimal
    person_name: str | None = None
    person_email: str | None = None
    customer: str | None = None
    project: str | None = None
    task: str | None = None
    activity: str | None = None
    start: WallClockTime | None = None
    end: WallClockTime | None = None
    note: str = ""
    billable: bool | None = None
    tags: tuple[str, ...] = ()
    hourly_rate: Decimal | None = None
    amount: Decimal | None = None
    currency: str | None = None
    product_id: str | None = None


class RowAssembly:
    """Gives each row its id and minutes; one per reading of a file.

    A row without the product's id is named by a digest of its content; the second and
    later rows with the same content also by how many came before, so identical rows (two
    equal entries of one person) stay two rows and keep their ids when the file is read
    again. It remembers 8 bytes of each content digest (about 60 bytes a row in memory).
    """

    def __init__(self, source: str) -> None:
        self._source = source
        self._carry = MinuteCarry()
        self._seen: set[int] = set()
        self._repeats: dict[int, int] = {}

    def row(self, number: int, draft: RowDraft, content: Iterable[str]) -> ImportedRow:
        person = (draft.person_email or draft.person_name or "").casefold()
        return ImportedRow(
            source=self._source,
            source_row_id=draft.product_id or self._digest_id(content),
            row=number,
            person_name=draft.person_name,
            person_email=draft.person_email,
            customer=draft.customer,
            project=draft.project,
            task=draft.task,
            activity=draft.activity,
            day=draft.day,
            start=draft.start,
            end=draft.end,
            duration_seconds=draft.duration_seconds,
            minutes=self._carry.minutes(person, draft.duration_seconds),
            note=draft.note,
            billable=draft.billable,
            tags=draft.tags,
            hourly_rate=draft.hourly_rate,
            amount=draft.amount,
            currency=draft.currency,
        )

    def _digest_id(self, content: Iterable[str]) -> str:
        digest = content_digest(content)
        key = int.from_bytes(digest[:8], "big")
        if key in self._seen:
            occurrence = self._repeats.get(key, 1) + 1
            self._repeats[key] = occurrence
            digest = hashlib.sha256(digest + f"#{occurrence}".encode()).digest()
        else:
            self._seen.add(key)
        return "sha256:" + digest[:16].hex()


def content_digest(content: Iterable[str]) -> bytes:
    """SHA-256 of the values, each preceded by its length, so no two lists of values share
    an input."""
    return hashlib.sha256("".join(f"{len(v)}:{v}" for v in content).encode()).digest()
