"""Booking: the chosen option goes into everyone's calendar, once, safely.

- ``choice``: a choice checked against the request it answers (pure).
- ``events``: managed events as iCalendar text; the booking calendar edited as text (pure).
- ``itip``: invitations, ``METHOD:REQUEST`` and ``METHOD:CANCEL`` (pure).
- ``lock``: the store's OS lock (exclusive to book, shared to read).
- ``journal``: all-or-nothing writes of several files, and recovery after a crash.
- ``calendars``: the store's booking calendars, read under the lock.
- ``booking``: the orchestration (``Booker``), used by ``Session.book`` and ``cancel``.
- ``remote``: booking calendars that live on a CalDAV server (PUT and DELETE with
  preconditions, taken back on failure); ``caldav_writer``: one collection, via caldav.
- ``results``: what was booked, as dataclasses and JSON.

Importing this package imports nothing else: every query imports ``lock``.
"""
