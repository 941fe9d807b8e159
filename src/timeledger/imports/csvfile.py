"""Reading a product's CSV export: bytes to text (UTF-8, or UTF-16 with its byte-order
mark), limits, the header, and each row's cells, lazily, row after row."""

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from itertools import chain
from typing import TYPE_CHECKING, BinaryIO, Protocol, TypeVar

from timeledger.imports.assembly import FORMULA_STARTS, RowAssembly, RowDraft
from timeledger.imports.rows import ImportedRow, ImportFileRefused, RowProblem
from timeledger.imports.values import (
    ValueRefused,
    currency_code,
    duration_seconds,
    parse_amount,
    parse_date,
    parse_flag,
    parse_time,
    split_tags,
)

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

T = TypeVar("T")

MAX_ROWS = 1_000_000

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True, slots=True)
class Column:
    """A column a reader reads: its key in the reader, the headers products give it
    (compared case- and space-insensitively; the first names it in problems), and whether
    its header may end in a currency in parentheses, as Toggl's `Amount (USD)`."""

    key: str
    headers: tuple[str, ...]
    required: bool = False
    currency_in_header: bool = False


@dataclass(frozen=True, slots=True)
class CsvFormat:
    """A product's CSV export: its columns, of which the file needs every `required` one
    and at least one of each group in `required_any`, and how a row becomes a draft.
    `columns_named_by` says who named the columns when not the product (a mapping)."""

    source: str
    product: str
    columns: tuple[Column, ...]
    build: "Callable[[RowCells], RowDraft | None]"
    required_any: tuple[tuple[str, ...], ...] = ()
    columns_named_by: str | None = None


class _Records(Protocol):
    line_num: int

    def __next__(self) -> list[str]: ...

    def __iter__(self) -> "_Records": ...


class RowCells:
    """One row's cells by column key (without the spaces around them), and the problems
    found reading them: each reading method records a problem under the column's header
    and returns None."""

    def __init__(
        self,
        row: int,
        values: dict[str, str],
        headers: dict[str, str],
        header_currencies: dict[str, str],
        *,
        day_first: bool,
    ) -> None:
        self.row = row
        self.values = values
        self.problems: list[RowProblem] = []
        self._headers = headers
        self._header_currencies = header_currencies
        self._day_first = day_first

    def refuse(self, key: str, problem: str) -> None:
        self.problems.append(RowProblem(self.row, self._headers.get(key, key), problem))

    def text(self, key: str) -> str | None:
        return self.values.get(key) or None

    def required(self, key: str, read: Callable[[str], T | None]) -> T | None:
        """The cell read with `read` (a method of this row); an empty cell is a problem."""
        if self.text(key) is None:
            self.refuse(key, "is empty")
            return None
        return read(key)

    def date(self, key: str) -> date | None:
        return self.parsed(key, lambda text: parse_date(text, day_first=self._day_first))

    def time(self, key: str) -> time | None:
        return self.parsed(key, parse_time)

    def duration(self, key: str) -> Decimal | None:
        return self.parsed(key, duration_seconds)

    def flag(self, key: str) -> bool | None:
        return self.parsed(key, parse_flag)

    def amount(self, key: str) -> Decimal | None:
        return self.parsed(key, parse_amount)

    def tags(self, key: str) -> tuple[str, ...]:
        return split_tags(self.values.get(key, ""))

    def currency(self, key: str) -> str | None:
        """A currency cell: `EUR`, or Harvest's `Euro - EUR`."""
        return self.parsed(key, currency_code)

    def header_currency(self, key: str) -> str | None:
        """The currency an amount column's header names, as Toggl's `Amount (USD)`."""
        return self._header_currencies.get(key)

    def parsed(self, key: str, parse: Callable[[str], T]) -> T | None:
        text = self.text(key)
        if text is None:
            return None
        try:
            return parse(text)
        except ValueRefused as refused:
            self.refuse(key, str(refused))
            return None


def read_csv(
    file_format: CsvFormat,
    data: bytes | BinaryIO,
    *,
    max_bytes: int,
    max_rows: int = MAX_ROWS,
    day_first: bool = False,
) -> Iterator[ImportedRow | RowProblem]:
    """Opens the file and reads its header now (refusing the file at once if either is
    wrong); the rows are read as the iterator is consumed."""
    text = open_text(data, max_bytes=max_bytes)
    header_line = _decoded(text.readline)
    if not header_line.strip():
        raise ImportFileRefused("file", "The file is empty.")
    if "\x00" in header_line:
        raise _not_text()
    delimiter = max(_DELIMITERS, key=header_line.count)
    records = csv.reader(chain([header_line], text), delimiter=delimiter)
    layout = _layout(file_format, _guarded(records) or [])
    return _rows(file_format, records, layout, max_rows=max_rows, day_first=day_first)


@dataclass(frozen=True, slots=True)
class _Layout:
    positions: tuple[tuple[str, int], ...]
    headers: dict[str, str]
    header_currencies: dict[str, str]
    width: int


def _layout(file_format: CsvFormat, header: list[str]) -> _Layout:
    found: dict[str, int] = {}
    headers: dict[str, str] = {}
    currencies: dict[str, str] = {}
    for position, label in enumerate(header):
        for column in file_format.columns:
            if column.key in found:
                continue
            matched, currency = _matches(column, label)
            if matched:
                found[column.key] = position
                headers[column.key] = label.strip()
                if currency:
                    currencies[column.key] = currency
                break
    labels = {column.key: column.headers[0] for column in file_format.columns}
    missing = [c.headers[0] for c in file_format.columns if c.required and c.key not in found]
    missing += [
        " or ".join(labels[key] for key in group)
        for group in file_format.required_any
        if not any(key in found for key in group)
    ]
    if missing:
        origin = (
            f"named by {file_format.columns_named_by}"
            if file_format.columns_named_by
            else f"of {file_format.product}'s export: is it one?"
        )
        raise ImportFileRefused(
            ", ".join(missing),
            f"The file lacks the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} {origin}",
        )
    return _Layout(tuple(found.items()), headers, currencies, len(header))


def normalized_header(label: str) -> str:
    """A header as headers are compared: case and spacing aside."""
    return " ".join(label.split()).casefold()


_IN_PARENTHESES = re.compile(r"(.*?)\s*\(([A-Za-z]{0,3})\)")


def _matches(column: Column, label: str) -> tuple[bool, str | None]:
    name = normalized_header(label)
    accepted = {normalized_header(header) for header in column.headers}
    if name in accepted:
        return True, None
    found = _IN_PARENTHESES.fullmatch(name) if column.currency_in_header else None
    if found and found.group(1) in accepted:
        return True, found.group(2).upper() or None
    return False, None


def _rows(
    file_format: CsvFormat,
    records: _Records,
    layout: _Layout,
    *,
    max_rows: int,
    day_first: bool,
) -> Iterator[ImportedRow | RowProblem]:
    assembly = RowAssembly(file_format.source)
    rows_read = 0
    line = records.line_num
    while True:
        record = _guarded(records)
        first_line, line = line + 1, records.line_num
        if record is None:
            break
        if not any(record):
            continue
        rows_read += 1
        if rows_read > max_rows:
            raise ImportFileRefused("file", f"The file has more than {max_rows} rows.")
        if len(record) > layout.width:
            yield RowProblem(
                first_line,
                "row",
                f"has {len(record)} cells, the header {layout.width}: a cell's "
                "delimiter or quote is out of place",
            )
            continue
        values = {key: record[i].strip() if i < len(record) else "" for key, i in layout.positions}
        cells = RowCells(
            first_line, values, layout.headers, layout.header_currencies, day_first=day_first
        )
        yield from read_row(cells, file_format.build, assembly)
    if rows_read == 0:
        raise ImportFileRefused("file", "The file has a header but no rows.")


def read_row(
    cells: RowCells, build: "Callable[[RowCells], RowDraft | None]", assembly: RowAssembly
) -> list[ImportedRow | RowProblem]:
    """The row, or its problems: a cell that begins as a formula refuses the row before
    anything else is read."""
    for key, value in cells.values.items():
        if value.startswith(FORMULA_STARTS):
            cells.refuse(
                key,
                f"begins with {value[0]!r}: a spreadsheet would run it as a "
                "formula, so the row is refused",
            )
    draft = None if cells.problems else build(cells)
    if draft is None or cells.problems:
        return list(cells.problems)
    return [assembly.row(cells.row, draft, cells.values.values())]


def _guarded(records: _Records) -> list[str] | None:
    try:
        return _decoded(lambda: next(records, None))
    except csv.Error as error:
        raise ImportFileRefused(
            "file", f"The file cannot be read as CSV (line {records.line_num}: {error})."
        ) from None


def _decoded(read: Callable[[], T]) -> T:
    try:
        return read()
    except UnicodeDecodeError as error:
        raise ImportFileRefused(
            "file",
            f"The file is not UTF-8 (it holds the bytes {error.object[error.start : error.end]!r}"
            ", which UTF-8 does not allow): export it as UTF-8, or in Excel save it as "
            "'CSV UTF-8'.",
        ) from None


def open_text(data: bytes | BinaryIO, *, max_bytes: int) -> io.TextIOWrapper:
    """The file as text: UTF-8 with or without a byte-order mark, or UTF-16 with one.
    More than `max_bytes` bytes refuse the file (at once for bytes, when reached for a
    file)."""
    if isinstance(data, bytes):
        if len(data) > max_bytes:
            raise _too_large(max_bytes)
        source: BinaryIO = io.BytesIO(data)
    else:
        source = data
    raw = _CountedBytes(source, max_bytes)
    start = raw.peek(4)
    if start.startswith(_UTF16_BOMS):
        encoding = "utf-16"
    elif start.startswith(_UTF8_BOM):
        encoding = "utf-8-sig"
    elif b"\x00" in start:
        raise _not_text()
    else:
        encoding = "utf-8"
    return io.TextIOWrapper(io.BufferedReader(raw), encoding=encoding, newline="")


def _not_text() -> ImportFileRefused:
    return ImportFileRefused(
        "file",
        "The file holds NUL characters: it is not UTF-8 text (UTF-16 without a byte-order "
        "mark?). Export it as UTF-8.",
    )


def _too_large(max_bytes: int) -> ImportFileRefused:
    return ImportFileRefused("file", f"The file is larger than {max_bytes} bytes.")


class _CountedBytes(io.RawIOBase):
    """The source's bytes, refusing the file once more than `max_bytes` were read."""

    def __init__(self, source: BinaryIO, max_bytes: int) -> None:
        self._source = source
        self._max_bytes = max_bytes
        self._read = 0
        self._peeked = b""

    def readable(self) -> bool:
        return True

    def peek(self, size: int) -> bytes:
        while len(self._peeked) < size:
            more = self._source.read(size - len(self._peeked))
            if not more:
                break
            self._peeked += more
        return self._peeked

    def readinto(self, buffer: "WriteableBuffer") -> int:
        target = memoryview(buffer).cast("B")
        if self._peeked:
            chunk, self._peeked = self._peeked[: len(target)], self._peeked[len(target) :]
        else:
            chunk = self._source.read(len(target))
        self._read += len(chunk)
        if self._read > self._max_bytes:
            raise _too_large(self._max_bytes)
        target[: len(chunk)] = chunk
        return len(chunk)
