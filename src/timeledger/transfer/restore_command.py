"""`timeledger import FILE --source timeledger --workspace NAME [--apply]`: the restore of
an export in the terminal, with a progress bar and a table of rows per table."""

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from timeledger.kit.db import Database
from timeledger.kit.errors import PayloadTooLarge
from timeledger.transfer.restore import restore_file


def restore_command(
    db: Database, console: Console, file: Path, *, workspace: str, apply: bool, max_bytes: int
) -> dict[str, Any]:
    """Checks (and with `apply` restores) the export as the new workspace `workspace`,
    printing what is (or would be) created; the result as the job's."""
    if file.stat().st_size > max_bytes:
        raise PayloadTooLarge(
            f"{file} is larger than the {max_bytes} bytes an import accepts "
            "(setting TIMELEDGER_IMPORT_MAX_BYTES)."
        )
    with Progress(console=console) as bar:
        task = bar.add_task("restoring" if apply else "checking (dry run)", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = restore_file(db, file, workspace, apply, max_bytes, progress, False)
    print_restore(console, result)
    return result


def print_restore(console: Console, result: dict[str, Any]) -> None:
    refused = result["file_refused"]
    if refused is not None:
        console.print(f"[red]file refused[/red] ({refused['field']}): {refused['problem']}")
        return
    table = Table(title="Restore " + ("applied" if result["applied"] else "dry run"))
    table.add_column("table")
    table.add_column("rows created" if result["applied"] else "rows to create", justify="right")
    for name, rows in result["rows"].items():
        table.add_row(name, str(rows))
    console.print(table)
    workspace = result["workspace"]
    if result["applied"]:
        console.print(
            f"restored {result['rows_total']} rows as workspace {workspace['name']!r} "
            f"(id {workspace['id']}); its people set passwords by a password reset, and "
            "API keys, kiosk tokens and PINs and webhook secrets are issued anew"
        )
    else:
        console.print(
            f"{result['rows_total']} rows checked; nothing was changed (a dry run); add "
            f"--apply to restore them as workspace {workspace['name']!r}"
        )
