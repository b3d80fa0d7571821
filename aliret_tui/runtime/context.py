"""The run context: the database in use, the clock, and whether this is the demo.
Built once by the entry point and handed to the front end it picks."""

from __future__ import annotations

from aliret_tui.timesource import TimeSource

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from aliret_tui.config import Settings
    from aliret_tui.runtime.keymap import KeyTable


class Context:
    """What every command and the dashboard need: where the data is, what day it is,
    and (for checking ``[keys]``) which keys the dashboard's screens bind."""

    def __init__(
        self,
        db_file: str,
        time: TimeSource,
        demo: bool = False,
        read_key_table: Callable[[], KeyTable] | None = None,
    ):
        self.db_file = db_file
        self.time = time
        self.demo = demo
        self.read_key_table = read_key_table or _no_keys

    @property
    def db_path(self) -> Path:
        from pathlib import Path  # not at the top: check never needs it

        return Path(self.db_file)

    def settings(self) -> Settings:
        from aliret_tui import paths
        from aliret_tui.config import load_settings

        return load_settings(paths.config_file())


def _no_keys() -> KeyTable:
    return {}
