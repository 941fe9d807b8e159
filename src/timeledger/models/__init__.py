"""SQLAlchemy models, one module per domain; importing this package registers them all."""

from timeledger.kit.idempotency import IdempotencyRecord
from timeledger.models.approvals import ApprovalDecision, ApprovalDelegation
from timeledger.models.bookmarks import EntryBookmark
from timeledger.models.changelog import Change, WorkspaceRevision
from timeledger.models.events import StreamTicket
from timeledger.models.external_ids import ExternalId
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
from timeledger.models.kiosks import Kiosk, KioskBadge, KioskOrgUnit, KioskPinFailure
from timeledger.models.oauth import OAuthAuthorizationCode, OAuthClient, OAuthToken
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
from timeledger.models.reports import ReportRun
from timeledger.models.settings import (
    Activity,
    ActivityVersion,
    AllowancePolicy,
    AllowancePolicyVersion,
    Dimension,
    DimensionVersion,
    EmploymentTerms,
    EmploymentTermsVersion,
    HolidayCalendar,
    HolidayCalendarVersion,
    HolidayCustomDay,
    Reason,
    ReasonVersion,
    SettlementPolicy,
    SettlementPolicyVersion,
    TimebankAccount,
    TimebankAccountVersion,
    TimeoffPolicy,
    TimeoffPolicyVersion,
    WorktimePolicy,
    WorktimePolicyVersion,
)
from timeledger.models.statements import PayrollExport, PeriodLock, Statement
from timeledger.models.timebank import TimebankMovement
from timeledger.models.timeoff import TimeoffRequest
from timeledger.models.timesheet import (
    EntryDayTotal,
    EntryMonthTotal,
    PresenceBreak,
    PresenceInterval,
    TimeEntry,
)
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
    "AllowancePolicy",
    "AllowancePolicyVersion",
    "ApiKey",
    "ApprovalDecision",
    "ApprovalDelegation",
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
    "EntryMonthTotal",
    "ExternalId",
    "HolidayCalendar",
    "HolidayCalendarVersion",
    "HolidayCustomDay",
    "IdempotencyRecord",
    "InboundEndpoint",
    "InboundEvent",
    "Job",
    "JobSchedule",
    "Kiosk",
    "KioskBadge",
    "KioskOrgUnit",
    "KioskPinFailure",
    "OAuthAuthorizationCode",
    "OAuthClient",
    "OAuthToken",
    "OrgUnit",
    "OrgUnitManager",
    "OrgUnitVersion",
    "PasswordResetToken",
    "PayrollExport",
    "PeriodLock",
    "PresenceBreak",
    "PresenceInterval",
    "Project",
    "ProjectActivityRate",
    "ProjectMember",
    "ProjectVersion",
    "Reason",
    "ReasonVersion",
    "ReportRun",
    "Role",
    "SettlementPolicy",
    "SettlementPolicyVersion",
    "SignInAttempt",
    "Statement",
    "StreamTicket",
    "Task",
    "TaskVersion",
    "TimeEntry",
    "TimebankAccount",
    "TimebankAccountVersion",
    "TimebankMovement",
    "TimeoffPolicy",
    "TimeoffPolicyVersion",
    "TimeoffRequest",
    "User",
    "WebhookDelivery",
    "WebhookSubscription",
    "Workspace",
    "WorkspaceRevision",
    "WorktimePolicy",
    "WorktimePolicyVersion",
]
