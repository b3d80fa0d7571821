"""The Textual application: the clock, the store handle, commands, and error handling."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from aliret_tui.config import Settings
from aliret_tui.errors import UserError
from aliret_tui.timesource import TimeSource
from aliret_tui.tui.storage import StoreAccess, StoreClosed
from aliret_tui.tui.view import OrderRow, UrgencyThresholds, build_rows

if TYPE_CHECKING:
    from textual.command import Provider

TICK_SECONDS = 1.0
SWITCH_INTERVAL_S = 0.001


def _commands_provider() -> type[Provider]:
    from aliret_tui.tui.palette import CommandsProvider  # when the palette first opens

    return CommandsProvider


class AliretApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "aliret-tui"
    COMMANDS = {_commands_provider}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
    ]

    # Local wall-clock time; every countdown watches it.
    now: reactive[dt.datetime] = reactive(dt.datetime(2000, 1, 1), init=False)

    def __init__(
        self,
        *,
        db_path: Path,
        time: TimeSource,
        settings: Settings | None = None,
        demo: bool = False,
        db_label: str | None = None,
        remember_theme_in: Path | None = None,
    ):
        super().__init__()
        self.settings = settings or Settings()
        self.remember_theme_in = remember_theme_in
        self.urgency = UrgencyThresholds(self.settings.critical_days, self.settings.soon_days)
        self.time = time
        self.demo = demo
        self.db_path = db_path
        self.db_label = db_label or ("DEMO DATA (throwaway)" if demo else _shown_path(db_path))
        self.db = StoreAccess(db_path, self.settings.policy, time)
        self.set_reactive(AliretApp.now, time.now())
        self._first_rows: list[tuple[Any, ...]] | None = None
        self.prepared_statistics: Any = None  # screens.statistics.PreparedStatistics
        self._switch_interval = sys.getswitchinterval()

    @classmethod
    def with_first_rows(cls, *, db_path: Path, time: TimeSource, **options: Any) -> AliretApp:
        """The app, holding the live orders read straight from SQLite, before the
        store and its imports are opened: the first frame can show them."""
        from aliret_tui.store.quick_read import live_dashboard_rows

        app = cls(db_path=db_path, time=time, **options)
        app._first_rows = live_dashboard_rows(db_path, app.policy, time.today())
        return app

    def take_first_rows(self) -> list[OrderRow] | None:
        """The rows read by ``with_first_rows`` (once), ready for the table."""
        raw, self._first_rows = self._first_rows, None
        if raw is None:
            return None
        return build_rows(raw, self.policy, self.time.today(), self.urgency)

    @property
    def policy(self):  # -> Policy
        return self.settings.policy

    def on_mount(self) -> None:
        from aliret_tui.tui.screens.dashboard import DashboardScreen

        # The load and the sorts run in a worker thread: a key waits for the worker to
        # hand over the interpreter, every 5 ms by default; 1 ms keeps keys prompt.
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL_S)

        self.theme = self.settings.theme
        self.set_keymap(dict(self.settings.keys))  # checked by tui.launch
        self.watch(self, "theme", self._theme_chosen, init=False)
        self.push_screen(DashboardScreen())
        if not self.time.is_frozen:
            self.set_interval(TICK_SECONDS, self._tick)

    def _theme_chosen(self, theme: str) -> None:
        """A theme picked from the palette is remembered in config.toml."""
        if self.remember_theme_in is not None and theme != self.settings.theme:
            from aliret_tui.config import remember_theme

            try:
                remember_theme(self.remember_theme_in, theme)
            except UserError as error:  # an unwritable config: the theme still applies
                self.notify(str(error), title="Theme not remembered", severity="warning",
                            markup=False)  # fmt: skip
                return
            self.settings.theme = theme

    def _tick(self) -> None:
        self.now = self.time.now()

    def exit(self, result: int | None = None, return_code: int = 0, message: Any = None) -> None:
        """Quit: the workers are told to stop first (the load stops at its next
        chunk), so the process does not wait for work nobody will see."""
        self.workers.cancel_all()
        super().exit(result, return_code, message)

    def on_unmount(self) -> None:
        self.db.close()
        sys.setswitchinterval(self._switch_interval)

    # -- actions -----------------------------------------------------------------

    def action_help(self) -> None:
        from aliret_tui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            # The keys of the screen it is asked on (the order screen has its own).
            keys = getattr(self.screen, "HELP_KEYS", None)
            self.push_screen(HelpScreen(keys) if keys else HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from aliret_tui.tui.key_names import key_named

        for command in super().get_system_commands(screen):
            if command.callback == self.action_quit:  # Textual's, with our key (q)
                command = command._replace(help=f"{command.help} ({key_named(self, 'quit', self)})")
            yield command
        commands = getattr(screen, "palette_commands", None)
        if commands is not None:
            yield from commands()
        help_key = key_named(self, "help", self)
        yield SystemCommand("Help", f"Keys, states and colours ({help_key})", self.action_help)

    # -- errors from workers -----------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.report_worker_failure(event)

    def report_worker_failure(self, event: Worker.StateChanged) -> None:
        """Turn a failed worker into a message, or a clean exit if the store is unusable."""
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        from aliret_tui.store.store import StoreError

        if isinstance(error, StoreClosed) or self.db.closed:
            return  # the app is quitting (a read may have been cut short): nothing to tell
        if isinstance(error, StoreError) and event.worker.group == "load":
            # The database cannot be used at all: leave cleanly, like the CLI does.
            self.exit(return_code=2, message=f"aliret-tui: error: {error}")
        elif isinstance(error, UserError):
            self.notify(str(error), title="Not saved", severity="error", markup=False)
        else:
            self.notify(
                f"{type(error).__name__}: {error}",
                title="Unexpected error",
                severity="error",
                timeout=15,
                markup=False,
            )


def _shown_path(path: Path) -> str:
    """The database path, with the home folder written as ~."""
    try:
        return "~/" + str(path.resolve().relative_to(Path.home()))
    except ValueError:
        return str(path)
