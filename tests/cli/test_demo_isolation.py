"""The demo never touches the user's things: no leftover folders after a closed
terminal, and no theme written to the real config.toml (issue 13)."""

from __future__ import annotations

import os
import subprocess
import sys

from support.cli import EXE

from aliret_tui.demo import DEMO_PREFIX, OWNER_FILE, remove_stale_demo_folders


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_only_folders_of_demos_no_longer_running_are_removed(tmp_path):
    dead, alive, unowned = (tmp_path / f"{DEMO_PREFIX}{name}" for name in ("a", "b", "c"))
    for folder in (dead, alive, unowned):
        folder.mkdir()
        (folder / "demo.db").write_bytes(b"")
    (dead / OWNER_FILE).write_text(str(_dead_pid()))
    (alive / OWNER_FILE).write_text(str(os.getppid()))  # the test runner's parent: running
    other = tmp_path / "someone-else"
    other.mkdir()
    (other / OWNER_FILE).write_text(str(_dead_pid()))

    assert remove_stale_demo_folders(tmp_path) == [dead]
    assert not dead.exists() and alive.exists() and unowned.exists() and other.exists()


def test_a_demo_killed_without_cleaning_up_is_cleaned_by_the_next(tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    crashed = (
        "import os\n"
        "from aliret_tui.demo import demo_database\n"
        "from aliret_tui.timesource import TimeSource\n"
        "demo_database(TimeSource())\n"
        "os._exit(0)  # as when the terminal is closed: no exit handlers run\n"
    )
    subprocess.run([sys.executable, "-c", crashed], env=env, check=True, timeout=120)
    assert len(list(tmp_path.glob(f"{DEMO_PREFIX}*"))) == 1
    ran = subprocess.run([EXE, "--demo", "locate"], env=env, capture_output=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert list(tmp_path.glob(f"{DEMO_PREFIX}*")) == []  # the old one, and its own at exit


def test_the_demo_never_remembers_a_theme_in_the_real_config(monkeypatch, tmp_path):
    from aliret_tui.runtime.context import Context
    from aliret_tui.timesource import TimeSource
    from aliret_tui.tui import launch

    given = {}

    def capture(cls, **options):
        given.update(options)

        class NotRun:
            return_code = 0

            def run(self):
                pass

        return NotRun()

    monkeypatch.setenv("ALIRET_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setattr(launch.AliretApp, "with_first_rows", classmethod(capture))
    launch.run_app(Context(str(tmp_path / "demo.db"), TimeSource(), demo=True))
    assert given["remember_theme_in"] is None
    launch.run_app(Context(str(tmp_path / "mine.db"), TimeSource(), demo=False))
    assert given["remember_theme_in"] == tmp_path / "config" / "config.toml"
