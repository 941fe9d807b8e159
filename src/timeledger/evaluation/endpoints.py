"""The live preview of the rule engine: parse, evaluate, render. Writes nothing."""

from typing import Annotated, Any

from timeledger.access.caller import Allowed, Caller
from timeledger.evaluation import service
from timeledger.evaluation.schemas import EvaluateRequest, EvaluationRead, rendered
from timeledger.kit.errors import Forbidden
from timeledger.kit.routing import api_router
from timeledger.kit.uow import UnitOfWork, reads_only
from timeledger.organization.reach import TimesheetReadable

DRAFTS_PERMISSION = "settings:update:*"
evaluation_router = api_router("Timesheet", prefix="/employees/{employee_id}/timesheet")


@evaluation_router.post(
    "/evaluate",
    response_model=EvaluationRead,
    summary="Evaluate a range of days by the rule engine (a preview: nothing is stored)",
)
@reads_only
def evaluate_timesheet(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("timesheet:read:own")],
    employee_id: TimesheetReadable,
    body: EvaluateRequest,
) -> Any:
    """Worked, norm and credited minutes, allowance and overtime lines, flex and the
    constraints' issues of each day from `from` to `to` (at most 62 days), computed from
    the presence and entries stored now and the policies in force on each day, or the
    `draft_policies` given instead (which takes `settings:update:*` as well: they preview
    a change). The same inputs always give the same `input_digest` and the same lines."""
    if body.draft_policies is not None and not caller.may(DRAFTS_PERMISSION):
        raise Forbidden(
            f"Previewing draft policies takes the permission {DRAFTS_PERMISSION} (changing "
            "the workspace's settings); without them the preview uses the saved policies."
        )
    drafts = service.validated_drafts(session, body.draft_policies, body.from_)
    evaluation = service.evaluate_employee(
        session, caller.workspace_id, employee_id, body.from_, body.to, drafts
    )
    return rendered(evaluation)
