"""The periods a review covers, named as people write them: a quarter ("2026-Q4"), a month ("2026-11") or a
year ("2026"), read in the workspace's time zone."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

PERIOD_FORMATS = '"2026-Q4" (a quarter), "2026-11" (a month) or "2026" (a year)'
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


class PeriodError(ValueError):
    """A period that cannot be read; the message says what is wrong and what is expected."""


@dataclass(frozen=True)
class Period:
    kind: str  # "quarter", "month" or "year"
    first_day: date
    next_first_day: date  # the first day after the period

    @property
    def key(self) -> str:
        """How it is written in a command or an address: "2026-Q4", "2026-11", "2026"."""
        if self.kind == "quarter":
            return f"{self.first_day.year}-Q{(self.first_day.month - 1) // 3 + 1}"
        if self.kind == "month":
            return f"{self.first_day:%Y-%m}"
        return f"{self.first_day.year}"

    @property
    def name(self) -> str:
        """How a person says it: "Q4 2026", "November 2026", "2026"."""
        if self.kind == "quarter":
            return f"Q{(self.first_day.month - 1) // 3 + 1} {self.first_day.year}"
        if self.kind == "month":
            return f"{self.first_day:%B %Y}"
        return f"{self.first_day.year}"

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.next_first_day.toordinal() - 1)

    def start(self, tz: ZoneInfo) -> datetime:
        return datetime.combine(self.first_day, time.min, tzinfo=tz)

    def end(self, tz: ZoneInfo) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.next_first_day, time.min, tzinfo=tz)

    def previous(self) -> "Period":
        """The period of the same kind just before, for comparisons."""
        day = date.fromordinal(self.first_day.toordinal() - 1)
        return _of_kind(self.kind, day)

    def contains(self, day: date) -> bool:
        return self.first_day <= day < self.next_first_day


def _month_after(year: int, month: int, months: int) -> date:
    index = year * 12 + (month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def _of_kind(kind: str, day: date) -> Period:
    if kind == "quarter":
        first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return Period("quarter", first, _month_after(first.year, first.month, 3))
    if kind == "month":
        first = day.replace(day=1)
        return Period("month", first, _month_after(first.year, first.month, 1))
    return Period("year", date(day.year, 1, 1), date(day.year + 1, 1, 1))


def quarter_of(day: date) -> Period:
    return _of_kind("quarter", day)


def recent_quarters(today: date, count: int = 6) -> list[Period]:
    """The running quarter and the ones before it, newest first: the choices a page offers."""
    quarters = [quarter_of(today)]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters


def parse_period(text: str) -> Period:
    """Read "2026-Q4", "2026-11" or "2026"; anything else raises PeriodError naming the expected forms."""
    cleaned = (text or "").strip()
    year: int | None = None
    if match := _QUARTER.match(cleaned):
        year, quarter = int(match[1]), int(match[2])
        period = Period("quarter", date(year, 3 * quarter - 2, 1), _month_after(year, 3 * quarter - 2, 3))
    elif match := _MONTH.match(cleaned):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise PeriodError(f"The period {cleaned!r} names month {month}; months run from 1 to 12.")
        period = Period("month", date(year, month, 1), _month_after(year, month, 1))
    elif match := _YEAR.match(cleaned):
        year = int(match[1])
        period = Period("year", date(year, 1, 1), date(year + 1, 1, 1))
    else:
        raise PeriodError(f"The period {cleaned!r} is not one Outside-In can read: write {PERIOD_FORMATS}.")
    if not FIRST_YEAR <= year < LAST_YEAR:
        raise PeriodError(f"The period {cleaned!r} is outside the years {FIRST_YEAR} to {LAST_YEAR - 1}.")
    return period
