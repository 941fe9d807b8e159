"""A statement as stored and as events carry it: its evaluation as JSON, and the summary
every change records."""

from typing import Any

import orjson

from timeledger.evaluation.schemas import rendered
from timeledger.models import Statement
from timeledger.rules.figures import Evaluation

FIGURES = ("days", "lines", "issues", "totals")


def figures_of(evaluation: Evaluation) -> dict[str, Any]:
    """An evaluation's figures as the statement stores them (JSON values)."""
    document = orjson.loads(orjson.dumps(rendered(evaluation)))
    return {name: document[name] for name in FIGURES}


def fill_from(statement: Statement, evaluation: Evaluation) -> None:
    """Put an evaluation's figures on the statement."""
    totals = evaluation.totals
    statement.input_digest = evaluation.input_digest
    statement.evaluation = figures_of(evaluation)
    statement.norm_minutes = totals.norm_minutes
    statement.worked_minutes = totals.worked_minutes
    statement.overtime_minutes = totals.overtime_minutes
    statement.flex_delta_minutes = totals.flex_delta_minutes
    statement.error_issues = sum(1 for issue in evaluation.issues if issue.severity == "error")


def summary(statement: Statement) -> dict[str, Any]:
    """What a statement's change records: where it stands and its totals, no lines."""
    return {
        "id": statement.id,
        "employee_id": statement.employee_id,
        "period": statement.period,
        "period_start": statement.period_start.isoformat(),
        "period_end": statement.period_end.isoformat(),
        "status": statement.status,
        "revision": statement.revision,
        "stale": statement.stale,
        "input_digest": statement.input_digest,
        "norm_minutes": statement.norm_minutes,
        "worked_minutes": statement.worked_minutes,
        "overtime_minutes": statement.overtime_minutes,
        "flex_delta_minutes": statement.flex_delta_minutes,
        "payout_minutes": statement.payout_minutes,
    }
