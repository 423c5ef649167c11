"""A task for the tests of several workers: each run appends its number and the process that ran it to a file."""

import os
import time
from pathlib import Path

from django.tasks import task


@task()
def count_run(number: int, ledger: str) -> None:
    time.sleep(0.05)  # long enough that both workers are busy at once
    # One short append per run: O_APPEND writes this small land whole, whichever process writes.
    with Path(ledger).open("a", encoding="utf-8") as handle:
        handle.write(f"{number} {os.getpid()}\n")
