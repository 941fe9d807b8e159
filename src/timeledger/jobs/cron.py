"""Cron expressions of schedules, read in the workspace's time zone.

Five fields (minute hour day-of-month month day-of-week), as crontab(5) and the `cronsim`
package read them. Evaluated on zone-aware times, so "0 23 * * *" in Europe/Copenhagen
fires at 22:00 UTC in winter and 21:00 UTC in summer; across a DST change a time that
does not exist that night fires at the first minute after the gap, and a time that exists
twice fires once (as Debian's cron does).
"""

from datetime import UTC, datetime

from cronsim import CronSim, CronSimError

from timeledger.kit.errors import Unprocessable
from timeledger.kit.timeutil import zone

CRON_FIELDS = 5
FIELD_NAMES = "minute hour day-of-month month day-of-week"


def _invalid(location: str, detail: str) -> Unprocessable:
    return Unprocessable.at(location, detail, "invalid cron expression")


def first_run_after(cron: str, timezone: str, after: datetime) -> datetime:
    """The first instant after `after` at which `cron` fires in `timezone`, in UTC."""
    return next(CronSim(cron, after.astimezone(zone(timezone)))).astimezone(UTC)


def checked_cron(cron: str, timezone: str, now: datetime, *, location: str) -> str:
    """`cron` normalized to single spaces, or a 422 saying what is wrong with it."""
    fields = cron.split()
    if len(fields) != CRON_FIELDS:
        raise _invalid(
            location,
            f"A cron expression has {CRON_FIELDS} fields ({FIELD_NAMES}), "
            f"for example '0 23 * * *'; {cron!r} has {len(fields)}.",
        )
    normalized = " ".join(fields)
    try:
        first_run_after(normalized, timezone, now)
    except CronSimError as error:
        raise _invalid(location, f"{cron!r} is not a valid cron expression: {error}.") from None
    except StopIteration:
        raise _invalid(location, f"{cron!r} never fires.") from None
    return normalized
