"""Opening the dashboard for a run context: config.toml's theme and keys are
checked before the terminal is taken over."""

from __future__ import annotations

from aliret_tui import paths
from aliret_tui.runtime.context import Context
from aliret_tui.runtime.keymap import checked_keymap
from aliret_tui.runtime.themes import check_theme
from aliret_tui.tui.app import AliretApp
from aliret_tui.tui.keys import key_table


def run_app(context: Context) -> int:
    settings = context.settings()
    check_theme(settings)
    checked_keymap(settings, key_table)
    app = AliretApp.with_first_rows(
        db_path=context.db_path,
        time=context.time,
        settings=settings,
        demo=context.demo,
        # The demo is a first look: a theme tried there is not written to config.toml.
        remember_theme_in=None if context.demo else paths.config_path(),
    )
    app.run()
    return app.return_code or 0
