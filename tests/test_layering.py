"""The architecture, enforced from the imports and calls of each module (README's
"Architecture"): the pure layers import no storage, terminal or network code and do no
file I/O; the cache stores and never parses; only the CLI knows about terminals."""

from __future__ import annotations

from pathlib import Path

import pytest

from .layering import (
    IO_MODULES,
    PACKAGE,
    files_of,
    forbidden_imports,
    imports_of,
    io_calls,
    module_name,
)

PURE = files_of("solve", "api", "ical", "find", "explain")


@pytest.mark.parametrize("path", PURE, ids=module_name)
def test_pure_layers_import_no_storage_terminal_or_network_code(path: Path) -> None:
    forbidden = forbidden_imports(
        path,
        "cronoslot.store",
        "cronoslot.cache",
        "cronoslot.cli",
        "cronoslot.engine",
        "cronoslot.session",
        "click",
        "rich",
        *IO_MODULES,
    )
    assert forbidden == [], f"{module_name(path)} imports {forbidden}"


@pytest.mark.parametrize("path", PURE, ids=module_name)
def test_pure_layers_do_no_file_io(path: Path) -> None:
    calls = io_calls(path)
    assert calls == [], f"{module_name(path)} calls {calls}"


@pytest.mark.parametrize("path", files_of("cache"), ids=module_name)
def test_the_cache_stores_and_never_parses(path: Path) -> None:
    forbidden = forbidden_imports(
        path,
        "cronoslot.ical",
        "cronoslot.store",
        "cronoslot.engine",
        "cronoslot.session",
        "cronoslot.cli",
        "icalendar",
        "recurring_ical_events",
        "x_wr_timezone",
    )
    assert forbidden == [], f"{module_name(path)} imports {forbidden}"


CORE = sorted(
    path for path in PACKAGE.rglob("*.py") if "cli" not in path.relative_to(PACKAGE).parts
)


@pytest.mark.parametrize("path", CORE, ids=module_name)
def test_only_the_cli_knows_about_terminals(path: Path) -> None:
    forbidden = forbidden_imports(path, "click", "rich")
    assert forbidden == [], f"{module_name(path)} imports {forbidden}"


def test_the_checks_see_the_modules() -> None:
    # A check that finds nothing to check could never fail.
    assert len(PURE) >= 10
    assert files_of("cache")
    assert "cronoslot.store.reader" in imports_of(PACKAGE / "store" / "__init__.py")
    # Relative imports are resolved from the module's own package, two levels up too.
    assert forbidden_imports(PACKAGE / "cache" / "storage.py", "cronoslot.cache.database")
    assert "cronoslot.timeutil" in imports_of(PACKAGE / "ical" / "zones.py")
