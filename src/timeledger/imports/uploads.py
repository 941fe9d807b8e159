"""Uploaded import files on disk: `<data_dir>/imports/<name>.upload`, one per import job,
kept while the job may still need them (it removes its file when it ends; a file of a job
that failed for good is removed after `KEPT_FOR`). A job's row problems are kept beside
them for `KEPT_FOR` (`problems.py`)."""

import os
import secrets
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

from timeledger.kit.errors import PayloadTooLarge

FOLDER = "imports"
SUFFIX = ".upload"
PROBLEMS_SUFFIX = ".problems.jsonl"
REMOVED_SUFFIXES = (SUFFIX, PROBLEMS_SUFFIX)
"""The import's files: its upload and its row problems (`problems.py`)."""
KEPT_FOR = timedelta(days=2)
"""Longer than a failing job is retried (its attempts back off to an hour, ten at most)."""


def uploads_folder(data_dir: Path) -> Path:
    return data_dir / FOLDER


def upload_path(data_dir: Path, name: str) -> Path:
    if not name.isalnum():
        raise ValueError(f"not an upload name: {name!r}")
    return uploads_folder(data_dir) / f"{name}{SUFFIX}"


def too_large(max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"The file is larger than the {max_bytes} bytes an import accepts "
        "(setting TIMELEDGER_IMPORT_MAX_BYTES)."
    )


async def save_upload(data_dir: Path, chunks: AsyncIterator[bytes], max_bytes: int) -> str:
    """Writes the chunks to a new upload file and returns its name; 413 (and no file) once
    they pass `max_bytes`."""
    folder = uploads_folder(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16)
    path = upload_path(data_dir, name)
    size = 0
    try:
        with path.open("xb") as file:
            async for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise too_large(max_bytes)
                file.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return name


def remove_upload(data_dir: Path, name: str) -> None:
    upload_path(data_dir, name).unlink(missing_ok=True)


def remove_old_uploads(data_dir: Path, now: datetime) -> int:
    """Removes the import files (uploads and problems) last written before
    `now - KEPT_FOR`; how many."""
    folder = uploads_folder(data_dir)
    if not folder.is_dir():
        return 0
    oldest = (now - KEPT_FOR).timestamp()
    removed = 0
    for entry in os.scandir(folder):
        if entry.name.endswith(REMOVED_SUFFIXES) and entry.stat().st_mtime < oldest:
            Path(entry.path).unlink(missing_ok=True)
            removed += 1
    return removed
