"""The ``cronoslot`` command group: every error becomes its exit code here, in one place.

The commands themselves live in ``queries`` and ``cache_commands``; they read input, call
the session (``cronoslot.open``), and print.
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import click

from .. import __version__
from ..errors import CronoslotError, ExitCode, InvalidRequest
from . import book_commands, cache_commands, explain, find, queries, serve, sync_commands


def _fail(code: ExitCode, message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    raise click.exceptions.Exit(int(code))


class CronoslotGroup(click.Group):
    """Turns every error into its exit code and a clear message: no traceback reaches the
    user for any input."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InvalidRequest as error:
            # The error body is the last line on stderr, as one line of JSON.
            click.echo(json.dumps(error.body, separators=(",", ":")), err=True)
            raise click.exceptions.Exit(int(ExitCode.INVALID_REQUEST)) from None
        except CronoslotError as error:
            _fail(error.exit_code, str(error))
        except (click.exceptions.ClickException, click.exceptions.Exit):
            raise
        except (KeyboardInterrupt, click.Abort):
            _fail(ExitCode.INTERRUPTED, "interrupted")
        except BrokenPipeError:
            # A closed pipe (`| head`) is not an error of ours.
            sys.stderr.close()
            raise click.exceptions.Exit(int(ExitCode.OK)) from None
        except Exception as error:  # the last guard: report, never a traceback
            _fail(
                ExitCode.INTERNAL,
                f"unexpected failure ({type(error).__name__}: {error}); please report it",
            )


def _exit_codes() -> str:
    lines = [f"  {int(code):>3}  {code.meaning}" for code in ExitCode]
    return "\b\nExit status:\n" + "\n".join(lines)


@click.group(
    cls=CronoslotGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=_exit_codes(),
)
@click.version_option(__version__, prog_name="cronoslot")
def cli() -> None:
    """Find common free time across local iCalendar files.

    cronoslot answers Cronofy-style Availability and Sequenced Availability
    queries, with the same request and response JSON, over a folder of .ics
    files: one folder per account, one file per calendar.

    \b
    Examples:
      cronoslot availability request.json | jq '.available_slots[0]'
      cronoslot sequence interview-loop.json --format table --tz Europe/London
      cronoslot busy acc_alice --from 2027-04-22T00:00:00Z --to 2027-04-23T00:00:00Z
    """


for command in (
    *queries.COMMANDS,
    *find.COMMANDS,
    *explain.COMMANDS,
    *book_commands.COMMANDS,
    *sync_commands.COMMANDS,
    *serve.COMMANDS,
    *cache_commands.COMMANDS,
):
    cli.add_command(command)


def main() -> None:
    """The console script. Ctrl-C outside a command (while arguments are read) is exit 130
    too, not click's "Aborted!" with 1."""
    try:
        code = cli.main(prog_name="cronoslot", standalone_mode=False)
    except click.exceptions.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except (KeyboardInterrupt, click.Abort):
        click.echo("error: interrupted", err=True)
        sys.exit(int(ExitCode.INTERRUPTED))
    sys.exit(code if isinstance(code, int) else 0)


__all__ = ["cli", "main"]
