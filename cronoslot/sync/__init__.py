"""Calendars from where they live: iCalendar feeds and CalDAV collections, synced into the
store (issue 9).

- ``sources``: ``SUB/sources.json``, parsed and written purely (the sources model);
- ``redact``: how a secret URL may be shown (scheme, host, fingerprint);
- ``state``: what a sync remembers (``SUB/.sync/CALENDAR_ID.json``);
- ``feeds``: an HTTP(S) feed, fetched with a conditional GET, within a deadline and a size cap;
- ``caldav_source``: a CalDAV collection through the ``caldav`` package (an optional extra);
- ``runner``: many sources at once, each written only when whole, by an atomic replace.

How fresh the synced data is, is decided by ``cronoslot.engine.freshness``.
"""
