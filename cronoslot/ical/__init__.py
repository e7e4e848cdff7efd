"""iCalendar bytes -> busy intervals (SPEC 2). No file I/O here: the store reads files.

    from cronoslot.ical import load_calendar_bytes, PLAIN

    busy = load_calendar_bytes(data, path=path, calendar_id="work", settings=settings,
                               window=window, warn=print)

Modules, by concept: ``loader`` (the front door and the orchestration of one file),
``text`` (cutting text into components), ``prefilter`` (dropping what cannot touch the
window), ``simple`` (plain single events read from their text), ``components`` (parsing
with icalendar, skipping broken components), ``zones`` (time zones), ``google``
(X-WR-TIMEZONE) and ``day_shift`` (its rules moved by whole days), ``owner`` (whose ATTENDEE
lines are the account's), ``expand`` (series and occurrences), ``series_shift`` (moving old
series forward), ``freebusy`` (VFREEBUSY), ``busy_rules`` (SPEC 2's mapping tables),
``values`` (small property readers). Warnings are ``models.CalendarWarning``s: each says
what it concerns, and is given to the windows that touch it. icalendar and
recurring-ical-events are imported only when a calendar is parsed.
"""

from __future__ import annotations

from .loader import PLAIN, Shortcuts, decode_calendar_bytes, load_calendar_bytes

__all__ = ["PLAIN", "Shortcuts", "decode_calendar_bytes", "load_calendar_bytes"]
