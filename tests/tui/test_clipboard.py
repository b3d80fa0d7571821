"""Copying uses a real clipboard tool when there is one, and says truthfully when
only OSC 52 (which some terminals ignore) was tried."""

from __future__ import annotations

import subprocess
import sys

from aliret_tui.tui.clipboard import clipboard_commands, copy_text


def everything(name: str) -> str:
    return f"/usr/bin/{name}"


def test_the_tools_offered_follow_the_session():
    wayland = clipboard_commands({"WAYLAND_DISPLAY": "wayland-0"}, "linux", everything)
    assert [command[0] for command in wayland] == ["wl-copy"]
    x11 = clipboard_commands({"DISPLAY": ":0"}, "linux", everything)
    assert [command[0] for command in x11] == ["xclip", "xsel"]
    assert clipboard_commands({}, "darwin", everything) == [["pbcopy"]]
    assert clipboard_commands({"WSL_DISTRO_NAME": "Ubuntu"}, "linux", everything) == [["clip.exe"]]
    # Over ssh or in a bare console there is nothing to call.
    assert clipboard_commands({}, "linux", everything) == []
    assert clipboard_commands({"DISPLAY": ":0"}, "linux", lambda name: None) == []


def test_a_tool_that_works_is_used_and_named(tmp_path):
    target = tmp_path / "clipboard.txt"
    tool = [
        sys.executable,
        "-c",
        f"import sys; open({str(target)!r}, 'wb').write(sys.stdin.buffer.read())",
    ]
    sent = []
    copied = copy_text("Order 1: ünïcode\n", sent.append, commands=[tool])
    assert copied.certain and copied.how == sys.executable
    assert target.read_text(encoding="utf-8") == "Order 1: ünïcode\n"
    assert sent == []
    assert copied.message("4 lines") == f"4 lines copied to the clipboard (with {sys.executable})."


def test_a_failing_tool_falls_back_to_osc52_and_says_it_may_not_have_worked():
    def failing(command, **_):
        if command[0] == "missing":
            raise FileNotFoundError(command[0])
        return subprocess.CompletedProcess(command, 1)

    sent = []
    copied = copy_text("text", sent.append, commands=[["missing"], ["xclip"]], run=failing)
    assert sent == ["text"]
    assert not copied.certain and copied.how == "OSC 52"
    assert "save it to a file" in copied.message("4 lines")
