"""The architecture, enforced from the imports and calls of each module (README's
"Architecture"): the pure layers import no storage, terminal or network code and do no
file I/O; the cache stores and never parses; only the CLI knows about terminals."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cronoslot"

# Modules that reach files, processes or the network.
IO_MODULES = {
    "socket",
    "ssl",
    "urllib",
    "http",
    "sqlite3",
    "shutil",
    "subprocess",
    "multiprocessing",
    "concurrent",
    "tempfile",
    "glob",
    "io",
}
# Methods that read or write files (on Path objects and the like).
IO_METHODS = {
    "read_bytes",
    "read_text",
    "write_bytes",
    "write_text",
    "open",
    "iterdir",
    "glob",
    "rglob",
    "mkdir",
    "unlink",
    "rename",
    "touch",
    "exists",
    "is_file",
    "is_dir",
    "stat",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, as absolute names (relative imports resolved)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
            found.add(base)
            # `from . import x` may import the submodule x.
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def files_of(*subpackages: str) -> list[Path]:
    return sorted(path for sub in subpackages for path in (PACKAGE / sub).rglob("*.py"))


def under(name: str, *prefixes: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


PURE = files_of("solve", "api", "ical", "find", "explain")


@pytest.mark.parametrize("path", PURE, ids=module_name)
def test_pure_layers_import_no_storage_terminal_or_network_code(path: Path) -> None:
    forbidden = [
        name
        for name in imports_of(path)
        if under(
            name,
            "cronoslot.store",
            "cronoslot.cache",
            "cronoslot.cli",
            "cronoslot.engine",
            "cronoslot.session",
            "click",
            "rich",
            *IO_MODULES,
        )
    ]
    assert forbidden == [], f"{module_name(path)} imports {forbidden}"


@pytest.mark.parametrize("path", PURE, ids=module_name)
def test_pure_layers_do_no_file_io(path: Path) -> None:
    calls = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Name) and function.id == "open":
            calls.append("open()")
        elif isinstance(function, ast.Attribute) and function.attr in IO_METHODS:
            calls.append(f".{function.attr}()")
    assert calls == [], f"{module_name(path)} calls {calls}"


@pytest.mark.parametrize("path", files_of("cache"), ids=module_name)
def test_the_cache_stores_and_never_parses(path: Path) -> None:
    forbidden = [
        name
        for name in imports_of(path)
        if under(
            name,
            "cronoslot.ical",
            "cronoslot.store",
            "cronoslot.engine",
            "cronoslot.session",
            "cronoslot.cli",
            "icalendar",
            "recurring_ical_events",
            "x_wr_timezone",
        )
    ]
    assert forbidden == [], f"{module_name(path)} imports {forbidden}"


CORE = sorted(
    path for path in PACKAGE.rglob("*.py") if "cli" not in path.relative_to(PACKAGE).parts
)


@pytest.mark.parametrize("path", CORE, ids=module_name)
def test_only_the_cli_knows_about_terminals(path: Path) -> None:
    forbidden = [name for name in imports_of(path) if under(name, "click", "rich")]
    assert forbidden == [], f"{module_name(path)} imports {forbidden}"


def test_the_checks_see_the_modules() -> None:
    # A check that finds nothing to check could never fail.
    assert len(PURE) >= 10
    assert files_of("cache")
    assert "cronoslot.store.reader" in imports_of(PACKAGE / "store" / "__init__.py")
