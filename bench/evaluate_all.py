"""Issue #17's batch figure: every employee of the dataset evaluated for one month, in one
process (this one), as statement generation will do. Prints one JSON object:
`{"employees", "seconds", "lines", "peak_rss_mib"}`.

    python -m bench.evaluate_all <database url> <workspace id> <first day> <last day>
"""

import json
import resource
import sys
import time
from datetime import date

from sqlalchemy import select

from timeledger.evaluation.service import evaluate_employees
from timeledger.kit.db import Database
from timeledger.models import Employee


def main(argv: list[str]) -> int:
    database_url, workspace_id, first, last = argv
    database = Database(database_url)
    began = time.perf_counter()
    session = database.session(write=False, workspace_id=int(workspace_id))
    try:
        employee_ids = list(session.scalars(select(Employee.id).order_by(Employee.id)))
        lines = sum(
            len(evaluation.lines)
            for evaluation in evaluate_employees(
                session,
                int(workspace_id),
                employee_ids,
                date.fromisoformat(first),
                date.fromisoformat(last),
            )
        )
    finally:
        session.close()
    seconds = time.perf_counter() - began
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "employees": len(employee_ids),
                "seconds": round(seconds, 2),
                "lines": lines,
                "peak_rss_mib": round(peak_kib / 1024, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
