"""Every row problem of an import job, as JSON Lines beside its upload
(`<data_dir>/imports/job-<id>.problems.jsonl`, in row order), read a page at a time by
`GET /api/admin/imports/{id}/problems`; removed with the import's other files
(`uploads.remove_old_uploads`)."""

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import orjson

from timeledger.imports.rows import RowProblem
from timeledger.imports.uploads import PROBLEMS_SUFFIX, uploads_folder


@dataclass(frozen=True)
class ProblemsFile:
    """Where a job writes its problems, and the URL that reads them."""

    path: Path
    url: str


def problems_path(data_dir: Path, job_id: int) -> Path:
    return uploads_folder(data_dir) / f"job-{job_id}{PROBLEMS_SUFFIX}"


def write_problems(path: Path, problems: Iterable[RowProblem]) -> None:
    """Writes the problems in row order (a row's own in the order found), replacing the
    file a former attempt of the job left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as file:
        for problem in sorted(problems, key=lambda each: each.row):
            file.write(orjson.dumps(asdict(problem)) + b"\n")
    partial.replace(path)


def problems_page(
    path: Path, after_row: int, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """The problems of the rows after `after_row`, `limit` of them (or a few more: a page
    never splits the problems of a row), and the cursor of the next page (the last row
    given) or None at the end."""
    page: list[dict[str, Any]] = []
    with path.open("rb") as file:
        for line in file:
            problem: dict[str, Any] = orjson.loads(line)
            if problem["row"] <= after_row:
                continue
            if len(page) >= limit and problem["row"] != page[-1]["row"]:
                return page, int(page[-1]["row"])
            page.append(problem)
    return page, None
