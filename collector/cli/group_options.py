"""Group options that may also be typed after the command: ``collector tickets list --db X``.

Click only reads a group's options before the command's name, so ``--db`` typed where a user
naturally puts it (after ``list``) is "No such option". :class:`HoistingGroup` moves the group's
own options found after the command name in front of it, unless the command has an option of the
same name (then it is the command's).
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperGroup

__all__ = ["HoistingGroup", "hoist"]


#: A click option (typer vendors click, so options are matched by their kind, not their class).
Option = Any


def _options(params: list[Any]) -> list[Option]:
    return [p for p in params if getattr(p, "param_type_name", None) == "option"]


def _takes_value(option: Option) -> bool:
    return not option.is_flag and not option.count


def hoist(group_opts: list[Option], command: Any, args: list[str]) -> tuple[list[str], list[str]]:
    """``args`` (those after the command name) split into (the group's options, the rest).

    Example:
        >>> import click
        >>> db = click.Option(["--db"])
        >>> hoist([db], click.Command("list", params=[]), ["--state", "x", "--db", "y.sqlite"])
        (['--db', 'y.sqlite'], ['--state', 'x'])
    """
    own = {name for p in _options(command.params) for name in p.opts}
    by_name = {n: o for o in group_opts for n in o.opts if n not in own}
    moved: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        option = by_name.get(arg.split("=", 1)[0])
        if option is None:
            rest.append(arg)
        elif "=" in arg or not _takes_value(option):
            moved.append(arg)
        else:
            moved.extend(args[i : i + 2])
            i += 1
        i += 1
    return moved, rest


class HoistingGroup(TyperGroup):
    """A Typer group whose options are accepted before or after the command's name."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        opts = _options(self.params)
        at = _command_index(opts, args)
        if at is not None:
            command = self.get_command(ctx, args[at])
            if command is not None:
                moved, rest = hoist(opts, command, args[at + 1 :])
                args = args[:at] + moved + [args[at]] + rest
        return super().parse_args(ctx, args)


def _command_index(opts: list[Option], args: list[str]) -> int | None:
    """Where the command's name is: the first word that is neither an option nor its value."""
    valued = {n for o in opts if _takes_value(o) for n in o.opts}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return None
        if not arg.startswith("-"):
            return i
        i += 2 if arg in valued else 1
    return None
