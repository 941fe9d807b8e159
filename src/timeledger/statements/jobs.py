"""The statements' jobs: generating every employee's statement of a period (by hand or on
a schedule) and settling one approved statement."""

from datetime import timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError

from timeledger.jobs.registry import JobContext, job_handler
from timeledger.organization.today import workspace_today
from timeledger.settings.kind_schemas import ConfigDate
from timeledger.statements.generation import (
    Outcome,
    Planned,
    changed_figures,
    generate,
    mark_stale,
    planned_periods,
)
from timeledger.statements.repository import StatementRepository
from timeledger.statements.service import SETTLE_STATEMENT
from timeledger.statements.settling import settle_statement

GENERATE_STATEMENTS = "timesheet.generate-statements"
BATCH = 100
MAX_EMPLOYEES = 10_000


class GenerateStatements(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period_start: ConfigDate | None = Field(
        default=None,
        description="A day of the period to generate: each employee gets the period of their "
        "settlement policy (week or month) that holds it. Default: yesterday in the "
        "workspace, so a nightly schedule keeps the running period up to date and closes the "
        "one that just ended.",
    )
    employee_ids: list[int] | None = Field(
        default=None,
        max_length=MAX_EMPLOYEES,
        description="Only these employees (default: every live employee).",
    )


@job_handler(GENERATE_STATEMENTS, parameters=GenerateStatements, startable=True)
def generate_statements(context: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Evaluate and store the statements in batches, each in its own transaction; a batch
    that met another worker's insert is run again and then finds the statements it made."""
    parameters = GenerateStatements.model_validate(payload)
    with context.db.transaction(workspace_id=context.workspace_id) as session:
        assert context.workspace_id is not None
        day = parameters.period_start or workspace_today(session, context.workspace_id) - timedelta(
            days=1
        )
        planned = planned_periods(session, context.workspace_id, parameters.employee_ids, day)
    context.report_progress(0, len(planned))
    tally = dict.fromkeys(Outcome, 0)
    for start in range(0, len(planned), BATCH):
        context.check_cancelled()
        batch = planned[start : start + BATCH]
        for outcome in _generated_batch(context, batch):
            tally[outcome] += 1
        context.report_progress(start + len(batch))
    return {"day": day.isoformat(), **{str(outcome): count for outcome, count in tally.items()}}


def _generated_batch(context: JobContext, batch: list[Planned]) -> list[Outcome]:
    try:
        return _generated_in_transaction(context, batch)
    except IntegrityError:
        # Another worker inserted one of these statements first; now it is found.
        return _generated_in_transaction(context, batch)


def _generated_in_transaction(context: JobContext, batch: list[Planned]) -> list[Outcome]:
    assert context.workspace_id is not None
    with context.db.transaction(workspace_id=context.workspace_id) as session:
        generated = generate(session, context.workspace_id, context.created_by_user_id, batch)
        return [result.outcome for result in generated]


class SettleStatement(BaseModel):
    statement_id: int
    revision: int


@job_handler(SETTLE_STATEMENT, parameters=SettleStatement)
def settle(context: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Settle the statement if it is still approved at the revision that was approved; a
    statement reopened or settled since is left (a rerun after a crash finds it settled, or
    finishes it: the transaction is all or nothing, and movements are keyed). One whose
    timesheet changed after approval is marked stale instead: settling it would pay what
    the timesheet no longer says, then lock it."""
    parameters = SettleStatement.model_validate(payload)
    assert context.workspace_id is not None
    with context.db.transaction(workspace_id=context.workspace_id) as session:
        statement = StatementRepository(session).get(parameters.statement_id, for_update=True)
        if (
            statement is None
            or statement.status != "approved"
            or statement.revision != parameters.revision
        ):
            found = "gone" if statement is None else f"{statement.status} r{statement.revision}"
            return {"settled": False, "found": found}
        if changed_figures(session, context.workspace_id, statement) is not None:
            mark_stale(session, context.workspace_id, statement, context.created_by_user_id)
            return {"settled": False, "found": "stale: withdraw and submit it again"}
        settle_statement(session, context.workspace_id, statement, context.created_by_user_id)
        return {"settled": True, "payroll_lines": len(statement.payroll_lines)}
