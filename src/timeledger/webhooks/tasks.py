"""The webhook work the background worker runs: automatic delivery on every cycle, and
the one-off redeliveries and test events people ask for."""

from typing import Any

from timeledger.config import Settings
from timeledger.jobs.registry import JobContext, cycle_task, job_handler
from timeledger.kit.db import Database
from timeledger.webhooks.dispatcher import (
    REDELIVERY,
    TEST,
    deliver_due,
    redelivery_source,
    send_one_off,
    source_of_test_event,
)
from timeledger.webhooks.service import REDELIVER_JOB, TEST_JOB


@cycle_task
def deliver_webhooks(db: Database, settings: Settings) -> int:
    return deliver_due(db, settings)


def _workspace_of(context: JobContext) -> int:
    if context.workspace_id is None:
        raise ValueError("a webhook job belongs to a workspace")
    return context.workspace_id


@job_handler(REDELIVER_JOB)
def redeliver(context: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    return send_one_off(
        context.db,
        context.settings,
        _workspace_of(context),
        int(payload["subscription_id"]),
        REDELIVERY,
        redelivery_source(int(payload["delivery_id"])),
    )


@job_handler(TEST_JOB)
def send_test_event(context: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    return send_one_off(
        context.db,
        context.settings,
        _workspace_of(context),
        int(payload["subscription_id"]),
        TEST,
        source_of_test_event(str(payload["message_id"])),
    )
