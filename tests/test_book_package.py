"""The booking package's shape: its text and choice modules are pure (no store, no I/O,
no terminal), and what every query imports from it (the lock) stays light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .layering import IO_MODULES, PACKAGE, forbidden_imports, io_calls, module_name

PURE_BOOK = [PACKAGE / "book" / f"{name}.py" for name in ("choice", "events", "itip", "results")]


@pytest.mark.parametrize("path", PURE_BOOK, ids=module_name)
def test_the_pure_book_modules_touch_no_store_and_no_file(path: Path) -> None:
    forbidden = forbidden_imports(
        path,
        "cronoslot.store",
        "cronoslot.cache",
        "cronoslot.engine",
        "cronoslot.session",
        "cronoslot.cli",
        "cronoslot.book.lock",
        "cronoslot.book.journal",
        "cronoslot.book.calendars",
        "click",
        "rich",
        "os",
        *IO_MODULES,
    )
    assert forbidden == [], f"{module_name(path)} imports {forbidden}"
    calls = io_calls(path)
    assert calls == [], f"{module_name(path)} calls {calls}"


def test_queries_pay_little_for_the_lock() -> None:
    code = "import sys, cronoslot.book.lock; print(sorted(m for m in sys.modules if 'ical' in m))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
