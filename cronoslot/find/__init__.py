"""``find``: a question in local time -> an Availability request, pure (no clock, no
store, no terminal), so that the command line and a server build the same request.

- ``days``: ``--on`` (today, a weekday, this-week, a date, a range...) -> dates;
- ``values``: durations (``1h30m``), working hours (``09:00-17:00``), groups (``2:a,b,c``);
- ``windows``: each day's window in a zone (DST days included), starts on the local clock;
- ``request``: ``FindQuery`` -> ``FindPlan`` (its days, windows and request body).
"""

from .days import DayForm, DaysError, parse_on, resolve_days
from .request import FindGroup, FindPlan, FindQuery, FindResult, pick_slots, plan
from .values import ValueProblem, parse_between, parse_duration, parse_group, parse_names

__all__ = [
    "DayForm",
    "DaysError",
    "FindGroup",
    "FindPlan",
    "FindQuery",
    "FindResult",
    "ValueProblem",
    "parse_between",
    "parse_duration",
    "parse_group",
    "parse_names",
    "parse_on",
    "pick_slots",
    "plan",
    "resolve_days",
]
