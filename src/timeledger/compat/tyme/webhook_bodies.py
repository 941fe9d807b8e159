"""What Tyme's webhook triggers send: each follows one native event and delivers the Tyme
object that event is about, in a JSON array. Registered with the webhooks layer on import
(`timeledger.job_kinds` imports this module for the app and the worker alike)."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from timeledger.compat.tyme import objects
from timeledger.compat.tyme.ids import CUSTOMER, ENTRY, PROJECT, TASK, NativeRef
from timeledger.events.catalog import event_type
from timeledger.models import Change
from timeledger.webhooks.bodies import register_body_format


@dataclass(frozen=True)
class Trigger:
    """A trigger_type: the native change it follows, and the Tyme type an object must be
    shown as to be sent (a task is a TimedTask or a TimedSubTask, an entry a
    TimedTaskRecord or a NonWorkingRecord)."""

    entity: str
    op: str
    shown_as: str

    @property
    def event_types(self) -> list[str]:
        return [event_type(self.entity, self.op)]

    def body(self, session: Session, change: Change) -> list[dict[str, Any]] | None:
        if (change.entity, change.op) != (self.entity, self.op):
            return None
        ref = NativeRef(change.entity, change.entity_id)
        shown = objects.render(session, [ref]).get(ref)
        if shown is None or shown["type"] != self.shown_as:
            return None
        return [shown]


TRIGGERS = {
    "category": Trigger(CUSTOMER, "created", objects.PROJECT_CATEGORY),
    "project": Trigger(PROJECT, "created", objects.PROJECT),
    "task": Trigger(TASK, "created", objects.TIMED_TASK),
    "subtask": Trigger(TASK, "created", objects.TIMED_SUB_TASK),
    "time": Trigger(ENTRY, "created", objects.TIMED_TASK_RECORD),
    "stopped_time": Trigger(ENTRY, "timer_stopped", objects.TIMED_TASK_RECORD),
}

for trigger_type, trigger in TRIGGERS.items():
    register_body_format(trigger_type, trigger)
