"""What the import routes answer besides the job itself."""

from pydantic import BaseModel

from timeledger.kit.pagination import Page


class ImportProblem(BaseModel):
    """Why a row (row 0: the whole file) was refused; `field` is the column as the file
    names it, or what of the row the problem is about (`person`, `project`, ...)."""

    row: int
    field: str
    problem: str


class ImportProblemsPage(Page[ImportProblem]):
    total: int
    """Of the whole import (every page)."""
