"""SQLAlchemy models, one module per domain; importing this package registers them all."""

from timeledger.kit.idempotency import IdempotencyRecord
from timeledger.models.bookmarks import EntryBookmark
from timeledger.models.changelog import Change
from timeledger.models.events import StreamTicket
from timeledger.models.identity import (
    ApiKey,
    AuditEvent,
    AuthSession,
    PasswordResetToken,
    Role,
    SignInAttempt,
    User,
)
from timeledger.models.jobs import Job, JobSchedule
from timeledger.models.organization import (
    Employee,
    EmployeeVersion,
    Employment,
    OrgUnit,
    OrgUnitManager,
    OrgUnitVersion,
)
from timeledger.models.projects import (
    Customer,
    CustomerVersion,
    Project,
    ProjectActivityRate,
    ProjectMember,
    ProjectVersion,
    Task,
    TaskVersion,
)
from timeledger.models.settings import (
    Activity,
    ActivityVersion,
    Dimension,
    DimensionVersion,
    EmploymentTerms,
    EmploymentTermsVersion,
    HolidayCalendar,
    HolidayCalendarVersion,
    HolidayCustomDay,
    Reason,
    ReasonVersion,
    TimebankAccount,
    TimebankAccountVersion,
)
from timeledger.models.timebank import TimebankMovement
from timeledger.models.timesheet import EntryDayTotal, PresenceBreak, PresenceInterval, TimeEntry
from timeledger.models.webhooks import (
    InboundEndpoint,
    InboundEvent,
    WebhookDelivery,
    WebhookSubscription,
)
from timeledger.models.workspace import Workspace

__all__ = [
    "Activity",
    "ActivityVersion",
    "ApiKey",
    "AuditEvent",
    "AuthSession",
    "Change",
    "Customer",
    "CustomerVersion",
    "Dimension",
    "DimensionVersion",
    "Employee",
    "EmployeeVersion",
    "Employment",
    "EmploymentTerms",
    "EmploymentTermsVersion",
    "EntryBookmark",
    "EntryDayTotal",
    "HolidayCalendar",
    "HolidayCalendarVersion",
    "HolidayCustomDay",
    "IdempotencyRecord",
    "InboundEndpoint",
    "InboundEvent",
    "Job",
    "JobSchedule",
    "OrgUnit",
    "OrgUnitManager",
    "OrgUnitVersion",
    "PasswordResetToken",
    "PresenceBreak",
    "PresenceInterval",
    "Project",
    "ProjectActivityRate",
    "ProjectMember",
    "ProjectVersion",
    "Reason",
    "ReasonVersion",
    "Role",
    "SignInAttempt",
    "StreamTicket",
    "Task",
    "TaskVersion",
    "TimeEntry",
    "TimebankAccount",
    "TimebankAccountVersion",
    "TimebankMovement",
    "User",
    "WebhookDelivery",
    "WebhookSubscription",
    "Workspace",
]
