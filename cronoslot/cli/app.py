"""The ``cronoslot`` command group: every error becomes its exit code here, in one place.

The commands live in their own modules (``queries``, ``find``, ``explain``,
``book_commands``, ``sync_commands``, ``serve``, ``cache_commands``); they read input, call
the session (``cronoslot.open``), and print. A command's module is imported only when that
command runs (or help lists it), so ``cronoslot availability`` does not pay for the server
or the booking code, and ``cronoslot --version`` for none of them.
"""

from __future__ import annotations

import json
import sys
from importlib import import_module
from typing import Any, NoReturn

import click

from .. import __version__
from ..errors import CronoslotError, ExitCode, InvalidRequest

# Each command's name and the module (in this package) that defines it, in help's order.
COMMAND_MODULES = {
    "availability": "queries",
    "sequence": "queries",
    "busy": "queries",
    "find": "find",
    "explain": "explain",
    "book": "book_commands",
    "cancel": "book_commands",
    "source": "sync_commands",
    "sync": "sync_commands",
    "serve": "serve",
    "cache": "cache_commands",
}


def _fail(code: ExitCode, message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    raise click.exceptions.Exit(int(code))


class CronoslotGroup(click.Group):
    """Turns every error into its exit code and a clear message: no traceback reaches the
    user for any input. Commands are loaded from ``COMMAND_MODULES`` when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is None:
            return None
        commands = import_module(f"{__package__}.{module}").COMMANDS
        return next((command for command in commands if command.name == cmd_name), None)

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


__all__ = ["COMMAND_MODULES", "cli", "main"]
