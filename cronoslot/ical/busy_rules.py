"""SPEC 2's mapping: what a VEVENT occurrence or a VFREEBUSY period makes of its owner's time.

Every rule of SPEC 2's tables is here, once: the transparency table (``transparency_of``),
the account's own PARTSTAT, CATEGORIES as tags, CLASS as ``private``, the identity
properties, and FBTYPE. Both readers of events use these functions: the icalendar path
(``describe`` on a parsed component) and the textual fast path (``simple.py``), which
passes the same values read from the text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..models import Transparency
from ..names import normalise_email
from .values import as_list, text_value, upper_text

CDO_BUSY_STATUS = "X-MICROSOFT-CDO-BUSYSTATUS"
EVENT_ID = "X-CRONOSLOT-EVENT-ID"  # a managed event's ``event_id``
_PRIVATE_CLASSES = ("PRIVATE", "CONFIDENTIAL")
_DEFAULT_PARTSTAT = "NEEDS-ACTION"  # RFC 5545: an ATTENDEE without PARTSTAT


# --- the rules, on plain values ----------------------------------------------------------


def transparency_of(
    status: str, busy_status: str, transp: str, partstats: set[str]
) -> Transparency | None:
    """SPEC 2's table, top to bottom: the first row that matches wins (None: not busy).
    ``status``, ``busy_status`` and ``transp`` are stripped and upper-cased ("" when
    absent); ``partstats`` are those of the account's own ATTENDEE lines."""
    if status == "CANCELLED":
        return None
    if "DECLINED" in partstats:
        return None
    if transp == "TRANSPARENT" or busy_status == "FREE":
        return None
    if status == "TENTATIVE" or busy_status == "TENTATIVE" or "TENTATIVE" in partstats:
        return Transparency.TENTATIVE
    if busy_status == "OOF":
        return Transparency.OUT_OF_OFFICE
    if busy_status == "WORKINGELSEWHERE":
        return Transparency.WORKING_ELSEWHERE
    return Transparency.OPAQUE


def is_own_address(address: str, emails: frozenset[str]) -> bool:
    """Whether an ATTENDEE value is one of the account's (normalised) addresses: case
    aside, with or without ``mailto:``."""
    return normalise_email(address) in emails


def partstat_of(parameter: object | None) -> str:
    """An ATTENDEE's PARTSTAT parameter, stripped and upper-cased; NEEDS-ACTION when absent."""
    return str(parameter if parameter is not None else _DEFAULT_PARTSTAT).strip().upper()


def tags_of(categories: Iterable[str]) -> frozenset[str]:
    """The ``private`` tag values of an occurrence's CATEGORIES values (stripped, empty
    ones dropped, case kept)."""
    return frozenset(tag for tag in (value.strip() for value in categories) if tag)


def is_private(class_value: str) -> bool:
    """Whether a CLASS value (stripped, upper-cased) makes the event private."""
    return class_value in _PRIVATE_CLASSES


def freebusy_transparency(fbtype: object | None) -> Transparency | None:
    """A FREEBUSY period's transparency by its FBTYPE (None: free). No FBTYPE, BUSY,
    BUSY-UNAVAILABLE and unknown types are busy."""
    kind = str(fbtype if fbtype is not None else "BUSY").strip().upper()
    if kind == "FREE":
        return None
    return Transparency.TENTATIVE if kind == "BUSY-TENTATIVE" else Transparency.OPAQUE


# --- the rules, on a parsed component ----------------------------------------------------


@dataclass(frozen=True)
class Description:
    """What a busy interval takes from its component, the same for all its occurrences."""

    transparency: Transparency
    event_uid: str | None
    event_id: str | None
    tags: frozenset[str]
    summary: str | None
    private: bool


def describe(
    component: Any, master_event_id: str | None, emails: frozenset[str]
) -> Description | None:
    """The busy-interval properties of a parsed VEVENT (an icalendar component); None when
    it does not make anyone busy. ``master_event_id`` is the series' X-CRONOSLOT-EVENT-ID,
    which an override without its own keeps (identity belongs to the series)."""
    transparency = event_transparency(component, emails)
    if transparency is None:
        return None
    own_event_id = text_value(component.get(EVENT_ID))
    return Description(
        transparency=transparency,
        event_uid=text_value(component.get("UID")),
        event_id=own_event_id if own_event_id is not None else master_event_id,
        tags=categories(component),
        summary=text_value(component.get("SUMMARY")),
        private=is_private(upper_text(component.get("CLASS"))),
    )


def event_transparency(component: Any, emails: frozenset[str]) -> Transparency | None:
    """``transparency_of`` on a parsed component."""
    return transparency_of(
        upper_text(component.get("STATUS")),
        upper_text(component.get(CDO_BUSY_STATUS)),
        upper_text(component.get("TRANSP")),
        account_partstats(component, emails),
    )


def account_partstats(component: Any, emails: frozenset[str]) -> set[str]:
    """The PARTSTATs of the ATTENDEE lines that are the account's own addresses."""
    if not emails:
        return set()
    return {
        partstat_of(getattr(attendee, "params", {}).get("PARTSTAT"))
        for attendee in as_list(component.get("ATTENDEE"))
        if is_own_address(str(attendee), emails)
    }


def categories(component: Any) -> frozenset[str]:
    """The tags of a parsed component's CATEGORIES lines (each may hold a list)."""
    values: list[str] = []
    for prop in as_list(component.get("CATEGORIES")):
        listed = getattr(prop, "cats", None)
        values.extend(str(value) for value in (listed if listed is not None else [prop]))
    return tags_of(values)


__all__ = [
    "CDO_BUSY_STATUS",
    "EVENT_ID",
    "Description",
    "account_partstats",
    "categories",
    "describe",
    "event_transparency",
    "freebusy_transparency",
    "is_own_address",
    "is_private",
    "partstat_of",
    "tags_of",
    "transparency_of",
]
