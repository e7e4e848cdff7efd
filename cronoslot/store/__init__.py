"""The calendar store on disk (SPEC 1): account folders, calendar files, account files.

``Store`` lists and reads (``reader``); ``account_files`` parses the account JSON files
(pure); the one name rule for ``sub`` and ``calendar_id`` is ``cronoslot.names``.
"""

from .account_files import parse_periods, parse_rules, parse_settings
from .reader import Store, read_calendar_bytes, read_json

__all__ = [
    "Store",
    "parse_periods",
    "parse_rules",
    "parse_settings",
    "read_calendar_bytes",
    "read_json",
]
