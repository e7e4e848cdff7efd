"""Whose ATTENDEE lines are the account's own (SPEC 2: declined and tentative invitations).

An account's addresses are its ``account.json`` ``emails``. When it gives none, a Google
export of a primary calendar names its owner: its ``X-WR-CALNAME`` is the owner's e-mail
address, which is then lent to that file's events (``owner_emails``). An account with no
address at all whose events carry ATTENDEE lines cannot tell its declined invitations
from the others, which then count as busy: that is worth a warning
(``no_emails_warning``), one per account (it names the account's folder, so the engine
gives it once).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ..models import CalendarWarning
from ..names import normalise_email
from .text import RawCalendar

# An e-mail address, as X-WR-CALNAME holds one: no blanks, one @, a dot in the domain.
_EMAIL = re.compile(r"[^\s@<>()\[\],;:\"\\]+@[^\s@<>()\[\],;:\"\\]+\.[^\s@<>()\[\],;:\"\\.]+")
# An ATTENDEE line (the component's own, or of a VALARM inside it: see ``_top_level``).
_ATTENDEE = re.compile(r"[\r\n][ \t]*ATTENDEE[ \t]*[;:]", re.IGNORECASE)
_MANAGED = re.compile(r"[\r\n][ \t]*X-CRONOSLOT-EVENT-ID[ \t]*[;:]", re.IGNORECASE)
_BEGIN_OR_END = re.compile(r"[\r\n][ \t]*(BEGIN|END)[ \t]*:", re.IGNORECASE)


def calendar_name_address(raw: RawCalendar) -> str | None:
    """The block's X-WR-CALNAME when it is an e-mail address (normalised), else None."""
    name = raw.property_value("X-WR-CALNAME")
    if name is None:
        return None
    address = normalise_email(name.replace("\\", ""))
    return address if _EMAIL.fullmatch(address) else None


def owner_emails(calendars: Iterable[RawCalendar], emails: tuple[str, ...]) -> frozenset[str]:
    """The addresses that are the account's for this file: ``emails`` (normalised by the
    store), else the file's X-WR-CALNAME addresses."""
    if emails:
        return frozenset(emails)
    return frozenset(
        address for raw in calendars if (address := calendar_name_address(raw)) is not None
    )


def has_attendee_lines(calendars: Iterable[RawCalendar]) -> bool:
    """Whether some VEVENT has an ATTENDEE line of its own (an e-mail alarm's do not
    count), as its text shows. Managed events (``X-CRONOSLOT-EVENT-ID``: what ``book``
    wrote) do not count: their ATTENDEE lines are the invitations cronoslot sent, and the
    booking holds every participant's time whatever they answer."""
    for raw in calendars:
        for component in raw.components:
            if (
                component.name == "VEVENT"
                and _top_level_attendee(component.text)
                and not _MANAGED.search(component.text)
            ):
                return True
    return False


def _top_level_attendee(text: str) -> bool:
    for match in _ATTENDEE.finditer(text):
        depth = 0
        for marker in _BEGIN_OR_END.finditer(text, 0, match.start() + 1):
            depth += 1 if marker.group(1).upper() == "BEGIN" else -1
        if depth <= 0:
            return True
    return False


def no_emails_warning(path: Path) -> CalendarWarning:
    """The warning for a file whose events carry ATTENDEE lines when the account has no
    address: it names the account's folder, the same for each of its files."""
    folder = path.parent if path.parent != Path(".") else path
    return CalendarWarning(
        f'{folder}: events carry ATTENDEE lines but account.json has no "emails", so '
        'declined invitations count as busy: list the account\'s addresses as "emails" '
        "in account.json"
    )


__all__ = ["calendar_name_address", "has_attendee_lines", "no_emails_warning", "owner_emails"]
