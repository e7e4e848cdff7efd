"""The busy-interval cache: persistence only (see ``storage.py``).

``engine/files.py`` decides what to read, load and store; this package only stores, and it
imports nothing from ``ical``, ``store``, ``engine`` or ``cli``.
"""

from .blocks import BlockKey, BlockRows, SpanBlock
from .database import DATABASE_NAME, SCHEMA
from .storage import Cache, FileRecord, FileStat, LastGoodCopy, default_cache_dir

__all__ = [
    "DATABASE_NAME",
    "SCHEMA",
    "BlockKey",
    "BlockRows",
    "Cache",
    "FileRecord",
    "FileStat",
    "LastGoodCopy",
    "SpanBlock",
    "default_cache_dir",
]
