"""The README's command-line example runs as written (issue 13: its third line used
to be refused)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from support.cli import EXE

README = Path(__file__).resolve().parents[2] / "README.md"


def example_commands() -> list[str]:
    """The shell lines of the first block under "The command line", continuations
    joined and comments dropped."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## The command line") :]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    commands = []
    for line in block.replace("\\\n", " ").splitlines():
        command = re.sub(r"\s+#.*$", "", line).strip()
        if command:
            commands.append(command)
    return commands


def test_the_readme_cli_example_runs_as_written(tmp_path):
    commands = example_commands()
    assert len(commands) >= 5 and all(c.startswith("aliret-tui ") for c in commands)
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    (bin_folder / "aliret-tui").symlink_to(EXE)
    env = {
        **os.environ,
        "PATH": f"{bin_folder}:{os.environ['PATH']}",
        "ALIRET_TUI_DB": str(tmp_path / "aliret.db"),
        "ALIRET_TUI_CONFIG_DIR": str(tmp_path / "config"),
    }
    for command in commands:
        # A fixed day, a few days after the example's delivery date.
        dated = command.replace("aliret-tui ", "aliret-tui --today 2026-11-25 ")
        ran = subprocess.run(
            ["sh", "-c", dated], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
        )
        allowed = (0, 1) if " check" in command else (0,)  # check: 1 when something is due
        assert ran.returncode in allowed, (command, ran.returncode, ran.stderr)
        assert "error" not in ran.stderr, (command, ran.stderr)
