"""Small readers of icalendar property values.

icalendar gives a property that appears once as its value and a repeated one as a list;
these helpers read either the same way, so the rules elsewhere read "the first STATUS",
not "a STATUS, or the first of a list of them".
"""

from __future__ import annotations

from typing import Any


def as_list(value: Any) -> list[Any]:
    """Every value of a property: ``[]`` when absent, the list when repeated."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def first(value: Any) -> Any:
    """The first value of a property, or None when absent."""
    values = as_list(value)
    return values[0] if values else None


def text_value(value: Any) -> str | None:
    """A text property as ``str`` (the first when repeated); None when absent or empty."""
    value = first(value)
    if value is None:
        return None
    text = str(value)
    return text if text else None


def upper_text(value: Any) -> str:
    """A keyword property (STATUS, TRANSP, CLASS...) stripped and upper-cased; "" when absent."""
    value = first(value)
    return str(value).strip().upper() if value is not None else ""


__all__ = ["as_list", "first", "text_value", "upper_text"]
