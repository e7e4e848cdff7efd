"""The API's JSON edge: request bodies -> validated request dataclasses (``request``,
``participants``, ``fields``, ``limits``), and answers -> response bodies (``response``).

Pure: no store, no cache, no file or network I/O. Validation asks the store only whether
accounts, calendars and rules exist, through the ``StoreView`` protocol.
"""

from .fields import StoreView, decode_body
from .request import parse_availability, parse_sequence
from .response import availability_json, busy_json, sequence_json

__all__ = [
    "StoreView",
    "availability_json",
    "busy_json",
    "decode_body",
    "parse_availability",
    "parse_sequence",
    "sequence_json",
]
