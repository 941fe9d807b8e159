"""Reading a workspace export back (docs/import-export.md, "Restoring a Timeledger export"):
the file is checked whole before anything is written, and read member by member, a
batch of rows at a time.

Checks, each refusing the file with `ExportFileRefused` (422): a ZIP with `manifest.json`
of our `format` and `format_version`; exactly the members this version exports, in its
order, each with the columns of the current schema; no member (and not all together)
inflating past what an upload of `max_bytes` can honestly hold; each member's SHA-256 and
number of lines as the manifest says, and each line an object with those columns.
"""

import hashlib
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import IO, Any

import orjson

from timeledger.kit.errors import Unprocessable
from timeledger.transfer.export import (
    BATCH_ROWS,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    Member,
    export_members,
)

MAX_MANIFEST_BYTES = 16 * 2**20
MAX_INFLATION = 32
"""All members together may hold at most this many times the upload limit uncompressed
(8 GiB under the default 256 MiB): the benchmark workspace inflates about eightfold."""
MAX_MEMBER_RATIO = 200
"""A member may inflate at most this much (its JSON Lines shrink 5 to 30 times); deflate
can reach 1,000, which only a crafted file does."""
RATIO_FROM_BYTES = 1 << 20
"""Members smaller than this are not judged by their ratio (a few rows of `{}`)."""
READ_BLOCK = 1 << 20


class ExportFileRefused(Unprocessable):
    """The file is not a restorable export of this version; nothing was written."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(
            f"The file cannot be restored: {problem}",
            errors=[{"location": "body", "field": field, "message": problem}],
        )
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class ExportedMember:
    member: Member
    rows: int
    sha256: str
    info: zipfile.ZipInfo


@dataclass(frozen=True)
class ExportFile:
    """An opened export whose manifest and members' shapes are checked."""

    archive: zipfile.ZipFile
    manifest: dict[str, Any]
    members: tuple[ExportedMember, ...]

    @property
    def workspace_name(self) -> str:
        return str(self.manifest["workspace"]["name"])

    @property
    def rows(self) -> int:
        return sum(member.rows for member in self.members)


def _manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError:
        raise ExportFileRefused(MANIFEST, "it has no manifest.json.") from None
    if info.file_size > MAX_MANIFEST_BYTES:
        raise ExportFileRefused(MANIFEST, "its manifest.json is too large.")
    try:
        manifest = orjson.loads(_read_bounded(archive, info))
    except orjson.JSONDecodeError:
        raise ExportFileRefused(MANIFEST, "its manifest.json is not JSON.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ExportFileRefused(MANIFEST, f"it is not a {FORMAT} file.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ExportFileRefused(
            "format_version",
            f"it has format version {manifest.get('format_version')!r}; this Timeledger "
            f"restores version {FORMAT_VERSION}.",
        )
    return manifest


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with archive.open(info) as stream:
        data = stream.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise ExportFileRefused(info.filename, "a member holds more than its stated size.")
    return data


def _listed(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    listed = manifest.get("members")
    workspace = manifest.get("workspace")
    if not isinstance(listed, list) or not all(isinstance(item, dict) for item in listed):
        raise ExportFileRefused(MANIFEST, "its manifest lists no members.")
    if not isinstance(workspace, dict) or not isinstance(workspace.get("name"), str):
        raise ExportFileRefused(MANIFEST, "its manifest names no workspace.")
    return listed


def _exported_member(
    archive: zipfile.ZipFile, member: Member, listed: dict[str, Any]
) -> ExportedMember:
    if listed.get("name") != member.name:
        raise ExportFileRefused(
            "members",
            f"its members are not those of this version: {listed.get('name')!r} where "
            f"{member.name!r} was expected (an export of another schema version).",
        )
    if listed.get("columns") != list(member.column_names):
        raise ExportFileRefused(
            member.name,
            f"its columns are not those of table {member.table.name} in this version (an "
            "export of another schema version).",
        )
    rows, sha256 = listed.get("rows"), listed.get("sha256")
    if not isinstance(rows, int) or rows < 0 or not isinstance(sha256, str):
        raise ExportFileRefused(member.name, "the manifest gives it no rows or sha256.")
    try:
        info = archive.getinfo(member.name)
    except KeyError:
        raise ExportFileRefused(member.name, "the member is missing from the ZIP.") from None
    return ExportedMember(member, rows, sha256, info)


def _check_sizes(members: tuple[ExportedMember, ...], max_bytes: int) -> None:
    for exported in members:
        info = exported.info
        if info.file_size >= RATIO_FROM_BYTES and info.file_size > MAX_MEMBER_RATIO * max(
            info.compress_size, 1
        ):
            raise ExportFileRefused(
                info.filename,
                f"it inflates more than {MAX_MEMBER_RATIO} times (a ZIP bomb?).",
            )
    if sum(exported.info.file_size for exported in members) > MAX_INFLATION * max_bytes:
        raise ExportFileRefused(
            "members",
            f"its members hold more than {MAX_INFLATION} times the "
            f"{max_bytes} bytes an import accepts (setting TIMELEDGER_IMPORT_MAX_BYTES).",
        )


def open_export(file: IO[bytes], *, max_bytes: int) -> ExportFile:
    """The export in `file` with its manifest and its members' names, columns and sizes
    checked (cheap: no member is read); `ExportFileRefused` otherwise."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ExportFileRefused("body", "it is not a ZIP file.") from None
    try:
        manifest = _manifest(archive)
        listed = _listed(manifest)
        expected = export_members()
        if len(listed) != len(expected):
            raise ExportFileRefused(
                "members",
                f"it has {len(listed)} members where this version exports {len(expected)} "
                "(an export of another schema version).",
            )
        members = tuple(
            _exported_member(archive, member, item)
            for member, item in zip(expected, listed, strict=True)
        )
        _check_sizes(members, max_bytes)
    except BaseException:
        archive.close()
        raise
    return ExportFile(archive, manifest, members)


def _chunks(archive: zipfile.ZipFile, exported: ExportedMember) -> Iterator[bytes]:
    """The member's bytes, refused once they pass its stated size (a lying header)."""
    read = 0
    try:
        with archive.open(exported.info) as stream:
            while block := stream.read(READ_BLOCK):
                read += len(block)
                if read > exported.info.file_size:
                    raise ExportFileRefused(
                        exported.member.name, "the member holds more than its stated size."
                    )
                yield block
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise ExportFileRefused(exported.member.name, f"the member is damaged ({error}).") from None


def member_batches(export: ExportFile, exported: ExportedMember) -> Iterator[list[tuple[Any, ...]]]:
    """The member's rows as tuples of its column values (JSON values), `BATCH_ROWS` at a
    time; checks the rows' count and the checksum at the end (`ExportFileRefused`)."""
    values_of = itemgetter(*exported.member.column_names)
    single = len(exported.member.column_names) == 1
    digest = hashlib.sha256()
    rows = 0
    rest = b""
    batch: list[tuple[Any, ...]] = []
    for block in _chunks(export.archive, exported):
        digest.update(block)
        lines = (rest + block).split(b"\n")
        rest = lines.pop()
        for line in lines:
            try:
                row = orjson.loads(line)
                batch.append((values_of(row),) if single else values_of(row))
            except (orjson.JSONDecodeError, KeyError, TypeError):
                raise ExportFileRefused(
                    exported.member.name,
                    f"line {rows + 1} is not an object with the member's columns.",
                ) from None
            rows += 1
            if len(batch) == BATCH_ROWS:
                yield batch
                batch = []
    if rest:
        raise ExportFileRefused(exported.member.name, "its last line is not complete.")
    if batch:
        yield batch
    _check_totals(exported, rows, digest.hexdigest())


def _check_totals(exported: ExportedMember, rows: int, sha256: str) -> None:
    if sha256 != exported.sha256:
        raise ExportFileRefused(
            exported.member.name, "its SHA-256 is not the manifest's (a damaged file?)."
        )
    if rows != exported.rows:
        raise ExportFileRefused(
            exported.member.name, f"it has {rows} rows where the manifest says {exported.rows}."
        )


def verify_member(export: ExportFile, exported: ExportedMember) -> int | None:
    """Reads the member through, checking its checksum and its lines' count (without
    parsing them: the restore parses them once); answers the id of its last row, the
    largest since rows are ordered by id, or None without rows or ids."""
    digest = hashlib.sha256()
    lines = 0
    before = last = b""
    for block in _chunks(export.archive, exported):
        digest.update(block)
        lines += block.count(b"\n")
        before, last = last, block
    tail = before + last
    if tail and not tail.endswith(b"\n"):
        raise ExportFileRefused(exported.member.name, "its last line is not complete.")
    _check_totals(exported, lines, digest.hexdigest())
    if not lines or "id" not in exported.member.column_names:
        return None
    last_line = tail[:-1].rsplit(b"\n", 1)[-1]
    try:
        identifier = orjson.loads(last_line)["id"]
    except (orjson.JSONDecodeError, KeyError, TypeError):
        raise ExportFileRefused(exported.member.name, "its last line has no id.") from None
    if not isinstance(identifier, int) or identifier < 1:
        raise ExportFileRefused(exported.member.name, "its last line has no id.")
    return identifier


def verify_export(export: ExportFile, progress: Callable[[int], None]) -> dict[str, int | None]:
    """Every member read through and checked; the last id of each table."""
    if export.members[0].rows != 1:
        raise ExportFileRefused(export.members[0].member.name, "it must hold one workspace.")
    last_ids: dict[str, int | None] = {}
    for exported in export.members:
        last_ids[exported.member.table.name] = verify_member(export, exported)
        progress(exported.rows)
    return last_ids
