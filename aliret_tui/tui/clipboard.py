"""Copying text where the shopper can paste it: the system clipboard tool when there
is one (wl-copy, xclip, xsel, pbcopy, clip.exe), else the terminal's OSC 52, which
tmux and GNOME Terminal ignore by default. The result says truthfully which was
used, so the screen can offer to save the text to a file instead."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

TOOL_TIMEOUT_SECONDS = 3


@dataclass(frozen=True)
class Copied:
    how: str  # "wl-copy", "xclip", …, or "OSC 52"
    certain: bool  # a system tool took it; OSC 52 may be ignored by the terminal

    def message(self, what: str) -> str:
        if self.certain:
            return f"{what} copied to the clipboard (with {self.how})."
        return (
            f"{what} sent to the terminal's clipboard (OSC 52). Some terminals and tmux "
            "ignore it: if nothing pastes, save it to a file instead."
        )


def clipboard_commands(
    environment: Mapping[str, str] | None = None,
    platform: str = sys.platform,
    which: Callable[[str], str | None] = shutil.which,
) -> list[list[str]]:
    """The clipboard tools that can work here, best first."""
    env = os.environ if environment is None else environment
    found: list[list[str]] = []

    def offer(*command: str) -> None:
        if which(command[0]):
            found.append(list(command))

    if platform == "darwin":
        offer("pbcopy")
    if env.get("WAYLAND_DISPLAY"):
        offer("wl-copy")
    if env.get("DISPLAY"):
        offer("xclip", "-selection", "clipboard")
        offer("xsel", "--clipboard", "--input")
    if platform.startswith("linux") and env.get("WSL_DISTRO_NAME"):
        offer("clip.exe")
    if platform == "win32":
        offer("clip")
    return found


def copy_text(
    text: str,
    osc52: Callable[[str], None],
    commands: list[list[str]] | None = None,
    run: Callable[..., subprocess.CompletedProcess] = subprocess.run,
) -> Copied:
    """Copy ``text`` with the first clipboard tool that succeeds, else by OSC 52."""
    for command in clipboard_commands() if commands is None else commands:
        try:
            done = run(
                command,
                input=text.encode("utf-8"),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=TOOL_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return Copied(command[0], certain=True)
    osc52(text)
    return Copied("OSC 52", certain=False)
