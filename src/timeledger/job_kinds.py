"""Imports every module that registers job kinds, cycle tasks or upkeep tasks with the worker,
or webhook body formats with the webhook delivery.

The composition roots (`app.create_app`, the `worker` command) import it, so the `jobs`
package itself knows no domain.
"""

import timeledger.bulk.service
import timeledger.compat.tyme.webhook_bodies
import timeledger.entries.jobs
import timeledger.imports.jobs
import timeledger.inbound.processing
import timeledger.jobs.schedules
import timeledger.kiosks.service
import timeledger.reports.endpoints  # the run job kind and the reports it runs
import timeledger.signin.service
import timeledger.statements.export
import timeledger.statements.jobs
import timeledger.timeoff.jobs
import timeledger.transfer.jobs
import timeledger.webhooks.tasks  # noqa: F401
from timeledger.imports.reader import RESTORERS, ImportSource, WorkspaceRestorer
from timeledger.transfer.restore import exported_workspace_name, restore_file

RESTORERS[ImportSource.TIMELEDGER] = WorkspaceRestorer(exported_workspace_name, restore_file)
