"""Imports every module that registers job kinds or cycle tasks with the worker."""

import timeledger.entries.jobs
import timeledger.inbound.processing
import timeledger.jobs.schedules
import timeledger.webhooks.tasks  # noqa: F401
