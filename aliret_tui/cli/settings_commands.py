"""``locate`` and ``config``: where things are, and the settings in effect. Neither
opens the database, so they load no store, no models and no Textual (a test holds
this): they answer in about the time Python takes to start."""

from __future__ import annotations

from aliret_tui import paths
from aliret_tui.cli.output import echo

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from aliret_tui.runtime.context import Context


def run_locate(args: argparse.Namespace, context: Context) -> int:
    import shlex

    echo(f"command:  {shlex.join(paths.command_line())}")  # for cron and other schedulers
    echo(f"database: {context.db_path}")
    echo(f"config:   {paths.config_path()}")
    echo(f"backups:  {paths.backup_dir(context.db_path)}")
    return 0


def run_config(args: argparse.Namespace, context: Context) -> int:
    """The settings and where each came from. ``[keys]`` is checked against the
    dashboard's bindings only when it remaps something (reading them loads Textual)."""
    import os

    from aliret_tui.runtime.key_ids import REMAPPABLE_IDS
    from aliret_tui.runtime.themes import check_theme

    settings = context.settings()
    check_theme(settings)
    if settings.keys:
        from aliret_tui.runtime.keymap import checked_keymap

        checked_keymap(settings, context.read_key_table)
    there = settings.path and os.path.exists(settings.path)
    echo(f"# {paths.config_path()} " + ("" if there else "(not there yet: all defaults)"))
    for key, value in settings.items():
        where = "default" if settings.origin(key) == "default" else "config.toml"
        echo(f"{key} = {_toml_value(value)}".ljust(52) + f"  # {where}")
    echo(f"# keys you can remap under [keys]: {', '.join(REMAPPABLE_IDS)}")
    return 0


def _toml_value(value: object) -> str:
    from decimal import Decimal

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dict):
        inner = ", ".join(f"{key} = {_toml_value(item)}" for key, item in value.items())
        return "{ " + inner + " }"
    if isinstance(value, tuple) and hasattr(value, "_asdict"):  # FreeReturnCap
        return _toml_value(value._asdict())
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    text = str(value)
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'  # what json.dumps gives, without loading json
    import json

    return json.dumps(text, ensure_ascii=False)
