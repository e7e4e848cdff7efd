"""cronoslot: common free time across local iCalendar files."""

__version__ = "0.1.0"
