"""``cronoslot cache info`` and ``cronoslot cache clear``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from ..errors import UsageError
from .options import cache_dir_option, emit_json, environment


@click.group()
def cache() -> None:
    """Inspect or empty the cache of expanded busy intervals.

    The cache is one SQLite file under $XDG_CACHE_HOME/cronoslot (or --cache-dir,
    or $CRONOSLOT_CACHE_DIR). It is keyed by each file's content, so it never
    changes an answer; it also keeps the last good copy of each calendar, used
    (with sync_status "disconnected") when a file becomes unreadable or broken.

    \b
    Examples:
      cronoslot cache info | jq .size_bytes
      cronoslot cache clear
    """


@contextmanager
def _opened(cache_dir: str | None) -> Iterator[Any]:
    from ..cache import Cache, default_cache_dir

    directory = Path(cache_dir) if cache_dir else default_cache_dir()
    opened = Cache.open(directory)
    if opened is None:
        raise UsageError(f"cannot open a cache in {directory}")
    try:
        yield opened
    finally:
        opened.close()


@cache.command("info")
@cache_dir_option
@click.pass_context
def cache_info(ctx: click.Context, cache_dir: str | None) -> None:
    """Print what the cache holds, as JSON (stale entries are pruned first).

    \b
    Examples:
      cronoslot cache info | jq .
    """
    with _opened(cache_dir) as opened:
        emit_json(ctx, opened.info())


@cache.command("clear")
@cache_dir_option
@click.pass_context
def cache_clear(ctx: click.Context, cache_dir: str | None) -> None:
    """Empty the cache (the next query loads every calendar afresh).

    \b
    Examples:
      cronoslot cache clear && cronoslot cache info | jq .files
    """
    with _opened(cache_dir) as opened:
        opened.clear()
    click.echo("cache cleared", file=environment(ctx).messages)


COMMANDS = (cache,)

__all__ = ["COMMANDS", "cache"]
