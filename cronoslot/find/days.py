"""``--on``: the days a person asks about, read from words and dates.

``parse_on`` reads the text once (so that a bad form is reported before anything is
loaded); ``resolve_days`` turns the forms into dates given today's date in the query's
zone. Pure: no clock, no zone lookups.

Forms, comma-separated: ``today``, ``tomorrow``, a weekday (``tue``, ``tuesday``: the next
one, today included), ``this-week`` (today to Sunday), ``next-week`` (next Monday to
Sunday), a date (``2027-04-20``) and a range of dates (``2027-04-20..2027-04-23``, both
included). Without ``--on``: the next 7 days, today included. Weekends are dropped from
ranges (the default, the weeks, date ranges) unless ``weekends`` is true; a day named on
its own (``today``, ``sat``, a date) is kept whatever day it is.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = [
    "DEFAULT_DAYS",
    "MAX_RANGE_DAYS",
    "DayForm",
    "DaysError",
    "parse_on",
    "resolve_days",
]

DEFAULT_DAYS = 7
"""Without ``--on``: this many days from today."""

MAX_RANGE_DAYS = 366
"""The longest range of dates one form may give."""

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WORDS = ("today", "tomorrow", "this-week", "next-week")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_HELP = (
    "use today, tomorrow, a weekday (tue), this-week, next-week, a date (2027-04-20) "
    "or a range (2027-04-20..2027-04-23), comma-separated"
)


class DaysError(ValueError):
    """An ``--on`` form that cannot be read; the message says what would be."""


@dataclass(frozen=True)
class DayForm:
    """One form of ``--on``: a word (``today``, ``tomorrow``, ``this-week``,
    ``next-week``, or a weekday name) or a range of dates (``first`` to ``last``)."""

    word: str | None = None
    first: date | None = None
    last: date | None = None

    @property
    def is_range(self) -> bool:
        """Whether the form names several days (whose weekends are dropped)."""
        return self.word in ("this-week", "next-week") or (
            self.word is None and self.first != self.last
        )


def _date(text: str, form: str) -> date:
    if not _DATE_RE.fullmatch(text):
        raise DaysError(f"'{form}': '{text}' is not a date like 2027-04-20; {_HELP}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DaysError(f"'{form}': {text} is not a day of the calendar") from None


def _word(text: str) -> str | None:
    """The word ``text`` stands for (weekdays by their first three letters or more)."""
    if text in _WORDS:
        return text
    if len(text) >= 3:
        for weekday in WEEKDAYS:
            if weekday.startswith(text):
                return weekday
    return None


def _suggestion(text: str) -> str:
    close = difflib.get_close_matches(text, [*_WORDS, *WEEKDAYS], n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _parse_form(text: str) -> DayForm:
    form = text.strip().lower()
    if not form:
        raise DaysError(f"an empty day; {_HELP}")
    word = _word(form)
    if word is not None:
        return DayForm(word=word)
    if ".." in form:
        first_text, _, last_text = form.partition("..")
        first, last = _date(first_text, form), _date(last_text, form)
        if last < first:
            raise DaysError(f"'{form}': the range ends before it starts")
        if (last - first).days >= MAX_RANGE_DAYS:
            raise DaysError(f"'{form}': a range is at most {MAX_RANGE_DAYS} days")
        return DayForm(first=first, last=last)
    if _DATE_RE.fullmatch(form):
        day = _date(form, form)
        return DayForm(first=day, last=day)
    raise DaysError(f"'{text.strip()}' is not a day: {_HELP}{_suggestion(form)}")


def parse_on(text: str | None) -> tuple[DayForm, ...]:
    """The forms of an ``--on`` value; () for none (the default days). Raises
    ``DaysError``."""
    if text is None:
        return ()
    return tuple(_parse_form(part) for part in text.split(","))


def _days_of(form: DayForm, today: date) -> list[date]:
    if form.word == "today":
        return [today]
    if form.word == "tomorrow":
        return [today + timedelta(days=1)]
    if form.word == "this-week":
        return [today + timedelta(days=n) for n in range(7 - today.weekday())]
    if form.word == "next-week":
        monday = today + timedelta(days=7 - today.weekday())
        return [monday + timedelta(days=n) for n in range(7)]
    if form.word is not None:
        ahead = (WEEKDAYS.index(form.word) - today.weekday()) % 7
        return [today + timedelta(days=ahead)]
    assert form.first is not None and form.last is not None
    return [form.first + timedelta(days=n) for n in range((form.last - form.first).days + 1)]


def resolve_days(forms: tuple[DayForm, ...], today: date, weekends: bool) -> tuple[date, ...]:
    """The dates the forms name, ascending, each once (``today`` is the date in the query's
    zone). Weekends come only from forms naming one day, unless ``weekends``."""
    if not forms:
        forms = (DayForm(first=today, last=today + timedelta(days=DEFAULT_DAYS - 1)),)
    found: set[date] = set()
    for form in forms:
        for day in _days_of(form, today):
            if weekends or not form.is_range or day.weekday() < 5:
                found.add(day)
    return tuple(sorted(found))
