"""The `timeledger` command's entry point, run as a process of its own."""

import subprocess
import sys

from timeledger.command import YOUNG_OBJECTS_BEFORE_A_COLLECTION

FROZEN_AFTER_HELP = """
import gc, sys
from timeledger.command import main
sys.argv = ["timeledger", "--help"]
try:
    main()
except SystemExit as done:
    assert done.code == 0, done.code
print(gc.get_freeze_count(), gc.get_threshold()[0], gc.isenabled(), "timeledger.cli" in sys.modules)
"""


def test_the_command_freezes_what_it_loaded_and_collects_again() -> None:
    ran = subprocess.run(
        [sys.executable, "-c", FROZEN_AFTER_HELP],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    frozen, young, collecting, loaded = ran.stdout.split()[-4:]
    assert int(frozen) > 100_000  # the application's modules, classes, functions
    assert int(young) == YOUNG_OBJECTS_BEFORE_A_COLLECTION
    assert (collecting, loaded) == ("True", "True")
