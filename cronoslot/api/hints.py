"""An invalid request's problems for people: one line per problem with its path, and a
"did you mean" for near misses (``slot`` -> ``slots``, a misspelt key, an account named
by its person's name, a sequence request given to ``availability``). Pure: the request's
text, its 422 errors and the store's accounts come in; lines go out.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from typing import Literal, get_args

from ..errors import ErrorBody
from ..find.people import match_account
from ..models import EXTENDED_TRANSPARENCIES, ResponseFormat
from .participants import MEMBER_KEYS
from .request import AVAILABILITY_KEYS, SEQUENCE_KEYS, STEP_KEYS

__all__ = ["Kind", "problem_lines"]

Kind = Literal["availability", "sequence"]

_KNOWN_KEYS = sorted(
    {
        *AVAILABILITY_KEYS,
        *SEQUENCE_KEYS,
        *STEP_KEYS,
        *MEMBER_KEYS,
        "members",
        "required",
        "minutes",
        "hours",
        "before",
        "after",
        "minimum",
        "maximum",
        "start",
        "end",
        "event_id",
        "event_uid",
        "period",
        "limit",
        "tzid",
        "tags",
    }
)
_CHOICES: dict[str, list[str]] = {
    "response_format": list(get_args(ResponseFormat)),
    "required": ["all"],
    "period": ["day", "week"],
    "ignored_extended_transparencies": sorted(str(kind) for kind in EXTENDED_TRANSPARENCIES),
}
_TOKEN_RE = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _tokens(path: str) -> list[str | int]:
    return [int(index) if index else key for key, index in _TOKEN_RE.findall(path)]


def _at(document: object, tokens: list[str | int]) -> object:
    """The value at ``tokens`` in ``document``, or None."""
    for token in tokens:
        if isinstance(token, int) and isinstance(document, list) and token < len(document):
            document = document[token]
        elif isinstance(token, str) and isinstance(document, dict):
            document = document.get(token)
        else:
            return None
    return document


def _close(word: str, candidates: list[str]) -> str | None:
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    if not found:
        folded = {candidate.casefold(): candidate for candidate in candidates}
        found = [folded[hit] for hit in difflib.get_close_matches(word.casefold(), list(folded))]
    return found[0] if found else None


def _zones() -> list[str]:
    from zoneinfo import available_timezones

    return sorted(available_timezones())


def _value_hint(
    document: object, tokens: list[str | int], name: str, accounts: Mapping[str, str | None]
) -> str | None:
    value = _at(document, tokens)
    field = next((token for token in reversed(tokens) if isinstance(token, str)), "")
    if name == "required" and isinstance(tokens[-1], str):
        # A missing key: was it written with a typo beside the others?
        siblings = _at(document, tokens[:-1])
        if isinstance(siblings, dict):
            typo = _close(tokens[-1], [key for key in siblings if key not in _KNOWN_KEYS])
            if typo is not None:
                return f"did you mean '{tokens[-1]}' where it says '{typo}'?"
        return None
    if name == "unknown_key" and isinstance(tokens[-1], str):
        suggestion = _close(tokens[-1], _KNOWN_KEYS)
    elif not isinstance(value, str):
        return None
    elif field == "sub" and name in ("unknown_account", "invalid_value"):
        try:  # an account given by its person's name?
            sub = match_account(value, accounts)
            return f"did you mean '{sub}' ({accounts[sub] or value})?"
        except ValueError:
            suggestion = _close(value, list(accounts))
    elif field in _CHOICES:
        suggestion = _close(value, _CHOICES[field])
    elif field == "tzid":
        suggestion = _close(value, _zones())
    else:
        return None
    return None if suggestion is None else f"did you mean '{suggestion}'?"


def _kind_hint(document: object, kind: Kind) -> str | None:
    if not isinstance(document, dict):
        return None
    if kind == "availability" and "sequence" in document:
        return (
            "this looks like a Sequenced Availability request (it has 'sequence'): "
            "did you mean 'cronoslot sequence'?"
        )
    if kind == "sequence" and "sequence" not in document and "participants" in document:
        return (
            "this looks like an Availability request (it has 'participants', no "
            "'sequence'): did you mean 'cronoslot availability'?"
        )
    return None


def problem_lines(
    errors: ErrorBody,
    body: bytes | str,
    kind: Kind,
    accounts: Mapping[str, str | None] | None = None,
) -> list[str]:
    """The problems of an invalid request, one per line (``path: description``), each with
    its "did you mean" where one is near; a first line for a request of the other kind."""
    try:
        document: object = json.loads(body)
    except (ValueError, RecursionError):
        document = None
    lines = []
    kind_hint = _kind_hint(document, kind)
    if kind_hint is not None:
        lines.append(kind_hint)
    for path, problems in errors.items():
        tokens = _tokens(path) if path != "request" else []
        for problem in problems:
            name = problem["key"].removeprefix("errors.")
            text = f"{path}: {problem['description']} ({name})"
            hint = _value_hint(document, tokens, name, accounts or {}) if tokens else None
            lines.append(f"{text}; {hint}" if hint else text)
    return lines
