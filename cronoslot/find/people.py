"""Who a person means by ``priya`` or ``Thames``: members named by ``sub`` or by the name
their ``account.json`` gives. Pure: the accounts and their names come in as a mapping.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from .values import ValueProblem

__all__ = ["match_account"]


def _words(name: str) -> set[str]:
    return {word.casefold() for word in name.split()}


def match_account(token: str, accounts: Mapping[str, str | None]) -> str:
    """The ``sub`` that ``token`` names: a ``sub`` itself; else the one account whose name
    is ``token`` (any letter case); else the one whose name has ``token`` as a word
    (``priya`` for "Priya Sharma", ``thames`` for "Thames room"). Raises ``ValueProblem``
    when none or several match, with the candidates or a near miss."""
    if token in accounts:
        return token
    wanted = token.casefold()
    for matches in (
        [sub for sub, name in accounts.items() if name and name.casefold() == wanted],
        [sub for sub, name in accounts.items() if name and wanted in _words(name)],
    ):
        if len(matches) == 1:
            return matches[0]
        if matches:
            listed = ", ".join(f"{accounts[sub]} ({sub})" for sub in matches)
            raise ValueProblem(f"'{token}' could be {listed}: give the sub or the whole name")
    known = [*accounts, *(name for name in accounts.values() if name)]
    known += [word for name in accounts.values() if name for word in name.split()]
    close = difflib.get_close_matches(token, known, n=1, cutoff=0.6)
    if not close:
        lowered = {entry.casefold(): entry for entry in known}
        close = [lowered[hit] for hit in difflib.get_close_matches(wanted, list(lowered), n=1)]
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise ValueProblem(f"no account or name '{token}' in the store{hint}")
