"""`python -m bench`: run the scenarios and write docs/performance.md (see that file)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from bench import report, scenarios


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small dataset and short runs (a smoke check; numbers meaningless)",
    )
    parser.add_argument("--employees", type=int)
    parser.add_argument("--years", type=int)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--duration", type=float, help="seconds of load per scenario run")
    parser.add_argument(
        "--engines", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql"
    )
    parser.add_argument("--no-peer", action="store_true", help="skip TimeTagger")
    parser.add_argument(
        "--only",
        choices=scenarios.ONLY,
        help="run this scenario alone on each engine (its report goes to "
        "bench/results/performance-<name>.md unless --output names another file)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="report file (default docs/performance.md for a full run, "
        "bench/results/performance-quick.md otherwise)",
    )
    parser.add_argument(
        "--report-from", type=Path, help="only write the report from an earlier results.json"
    )
    arguments = parser.parse_args(argv)

    if arguments.report_from is not None:
        results = json.loads(arguments.report_from.read_text())
        target = arguments.output or report.DOC
        print(report.write(results, target))
        return 0

    sizes = scenarios.QUICK if arguments.quick else scenarios.FULL
    changes = {
        name: getattr(arguments, name)
        for name in ("employees", "years", "seed", "duration")
        if getattr(arguments, name) is not None
    }
    if changes:
        sizes = dataclasses.replace(
            sizes, mode="custom" if not arguments.quick else "quick", **changes
        )
    engines = tuple(e.strip() for e in arguments.engines.split(",") if e.strip())
    unknown = set(engines) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown engines: {', '.join(sorted(unknown))}")
    results = scenarios.run(
        sizes, engines=engines, with_peer=not arguments.no_peer, only=arguments.only
    )
    if arguments.only is not None:
        default = scenarios.RESULTS_DIR / f"performance-{arguments.only}.md"
    elif sizes.mode == "full":
        default = report.DOC
    else:
        default = scenarios.RESULTS_DIR / "performance-quick.md"
    path = report.write(results, arguments.output or default)
    print(f"report: {path}", file=sys.stderr)
    unexpected = sum(
        (s["load"] or {}).get("unexpected", 0)
        for s in results["scenarios"]
        if s["key"] != "5-clock-contended"
    )
    return 1 if unexpected and sizes.mode == "quick" else 0


if __name__ == "__main__":
    sys.exit(main())
