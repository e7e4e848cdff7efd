"""Reading the package's architecture from its source: which modules a module imports
(relative imports resolved) and which file methods it calls. Shared by the tests that
enforce the layers (``test_layering``, ``test_book_package``, ``test_server_workers``)."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

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


def forbidden_imports(path: Path, *prefixes: str) -> list[str]:
    """The modules ``path`` imports that are, or are inside, any of ``prefixes``."""
    return sorted(name for name in imports_of(path) if under(name, *prefixes))


def io_calls(path: Path) -> list[str]:
    """The file-touching calls in ``path``: ``open()`` and the methods of ``IO_METHODS``."""
    calls = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Name) and function.id == "open":
            calls.append("open()")
        elif isinstance(function, ast.Attribute) and function.attr in IO_METHODS:
            calls.append(f".{function.attr}()")
    return calls
