"""Shapes of workspace exports in the native API (tag Admin)."""

from datetime import datetime

from pydantic import BaseModel, Field

from timeledger.jobs.schemas import JobProgress, JobStatus


class ExportedMember(BaseModel):
    name: str = Field(description="The ZIP member, such as `time_entries.jsonl`.")
    rows: int
    sha256: str = Field(description="SHA-256 of the member's bytes, uncompressed.")


class ExportManifest(BaseModel):
    format_version: int
    timeledger_version: str
    created_at: datetime
    change_log_head: int = Field(description="The workspace's last change-log revision.")
    rows: int = Field(description="Rows in all members.")
    members: list[ExportedMember]


class ExportRead(BaseModel):
    id: int = Field(description="The export's job id.")
    status: JobStatus
    progress: JobProgress = Field(description="Rows written so far, of the rows to write.")
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    file_bytes: int | None = Field(description="Size of the ZIP file once written.")
    file_sha256: str | None = Field(description="SHA-256 of the ZIP file once written.")
    expires_at: datetime | None = Field(
        description="When the file is removed (7 days after it was written)."
    )
    manifest: ExportManifest | None = Field(description="The file's manifest, once written.")
