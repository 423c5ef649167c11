"""Reporting a job's progress: the protocol every reporter follows, a terminal bar, and several reporters as one.

The job's own row is one reporter (core.jobs.RowProgress); the command line adds a bar (``terminal_bar``).
"""

import sys
from typing import Any, Protocol


class Progress(Protocol):
    def start(self, total: int | None) -> None: ...

    def advance(self, done: int, **counters: int) -> None: ...

    def phase(self, text: str) -> None: ...

    def close(self) -> None: ...


class BarProgress:
    """The same progress as a tqdm bar on the terminal."""

    def __init__(self, description: str = "", unit: str = "row", file: Any = None) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=None, desc=description, unit=unit, file=file or sys.stderr,
                        dynamic_ncols=True)

    def start(self, total: int | None) -> None:
        self.bar.reset(total=total)

    def advance(self, done: int, **counters: int) -> None:
        self.bar.update(done - self.bar.n)
        if counters:
            self.bar.set_postfix({k.removeprefix("rows_"): v for k, v in counters.items()}, refresh=False)

    def phase(self, text: str) -> None:
        self.bar.set_description(text)

    def close(self) -> None:
        self.bar.close()


class Tee:
    """Several reporters of one job's progress as one (the job's row and a terminal bar)."""

    def __init__(self, *parts: Progress) -> None:
        self.parts = parts

    def start(self, total: int | None) -> None:
        for part in self.parts:
            part.start(total)

    def advance(self, done: int, **counters: int) -> None:
        for part in self.parts:
            part.advance(done, **counters)

    def phase(self, text: str) -> None:
        for part in self.parts:
            part.phase(text)

    def close(self) -> None:
        for part in self.parts:
            part.close()


def terminal_bar(description: str = "", unit: str = "row", file: Any = None) -> BarProgress:
    return BarProgress(description, unit, file)
