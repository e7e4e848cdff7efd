"""The command line: a thin adapter over the library (see ``app``)."""

from .app import main

__all__ = ["main"]
